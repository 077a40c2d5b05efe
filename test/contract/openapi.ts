/**
 * A small validator for Swagger 2.0 / autorest schemas, enough to hold responses against the official
 * Data Protection OpenAPI file: `$ref` across files, `allOf`, `discriminator` + `x-ms-discriminator-value`,
 * closed vs. extensible (`x-ms-enum.modelAsString`) enums, `format: date-time`, `x-nullable`.
 *
 * It is deliberately strict about unknown properties: a response may only carry properties the spec declares
 * (through any `allOf` parent or discriminated subtype), so the emulator cannot invent fields that the client
 * would then come to rely on.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const SPEC_DIR = resolve(__dirname, '../../../shared/azure-dataprotection-spec');

type Schema = Record<string, any>;
interface Doc {
  file: string;
  json: Schema;
}

export interface SchemaError {
  path: string;
  message: string;
}

export class OpenApi {
  private readonly docs = new Map<string, Doc>();
  private readonly main: Doc;
  /** base definition key → discriminator value → subtype definition key */
  private readonly subtypes = new Map<string, Map<string, string>>();

  constructor(specFile = join(SPEC_DIR, 'dataprotection.json')) {
    this.main = this.load(specFile);
    this.indexSubtypes(this.main);
  }

  /** Returns the response schema an operation declares for a status (falling back to `default`). */
  responseSchema(operationId: string, status: number): { schema?: Schema; declared: boolean } {
    for (const pathItem of Object.values<Schema>(this.main.json.paths)) {
      for (const op of Object.values<Schema>(pathItem)) {
        if (op?.operationId !== operationId) continue;
        const response = op.responses[String(status)] ?? op.responses.default;
        const declared = op.responses[String(status)] !== undefined;
        return { schema: response?.schema ? this.anchor(response.schema, this.main) : undefined, declared };
      }
    }
    throw new Error(`operation ${operationId} is not in the spec`);
  }

  /** Finds the operation whose path template matches a concrete request path (case-insensitive, as ARM routes). */
  matchOperation(method: string, path: string): string | undefined {
    for (const [template, pathItem] of Object.entries<Schema>(this.main.json.paths)) {
      const op = pathItem[method.toLowerCase()];
      if (!op?.operationId) continue;
      const pattern = template
        .split(/(\{[^}]+\})/)
        .map((part) =>
          part.startsWith('{') ? (part === '{resourceId}' ? '.+' : '[^/]+') : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'),
        )
        .join('');
      if (new RegExp(`^${pattern}$`, 'i').test(path)) return op.operationId;
    }
    return undefined;
  }

  operationIds(): string[] {
    const ids: string[] = [];
    for (const pathItem of Object.values<Schema>(this.main.json.paths)) {
      for (const op of Object.values<Schema>(pathItem)) if (op?.operationId) ids.push(op.operationId);
    }
    return ids;
  }

  /** Validates `value` against the response schema of an operation; unknown statuses are errors. */
  validateResponse(operationId: string, status: number, body: unknown): SchemaError[] {
    const { schema, declared } = this.responseSchema(operationId, status);
    const errors: SchemaError[] = [];
    if (!declared && status < 400) errors.push({ path: '', message: `status ${status} is not declared` });
    if (schema) this.check(schema, body, '$', errors);
    else if (body !== undefined && body !== '' && status !== 202)
      errors.push({ path: '$', message: 'a body where none is declared' });
    return errors;
  }

  /** Validates a value against a named definition of the main file. */
  validateDefinition(name: string, value: unknown): SchemaError[] {
    const errors: SchemaError[] = [];
    this.check(this.anchor({ $ref: `#/definitions/${name}` }, this.main), value, '$', errors);
    return errors;
  }

  // ---- loading and references ----

  private load(file: string): Doc {
    const key = resolve(file);
    let doc = this.docs.get(key);
    if (!doc) {
      doc = { file: key, json: JSON.parse(readFileSync(key, 'utf8')) };
      this.docs.set(key, doc);
    }
    return doc;
  }

  /** Remembers which file a schema came from, so relative `$ref`s inside it resolve. */
  private anchor(schema: Schema, doc: Doc): Schema {
    return { ...schema, '@doc': doc.file };
  }

  private docOf(schema: Schema): Doc {
    return this.load(schema['@doc'] ?? this.main.file);
  }

  private deref(schema: Schema): { schema: Schema; key?: string } {
    let current = schema;
    let key: string | undefined;
    for (let hops = 0; current.$ref && hops < 20; hops++) {
      const [filePart, pointer] = String(current.$ref).split('#');
      const from = this.docOf(current);
      const doc = filePart ? this.load(this.commonTypesPath(join(dirname(from.file), filePart))) : from;
      const name = pointer!.replace(/^\/definitions\//, '');
      const defs = doc.json.definitions as Schema;
      // The spec refs `systemData`, the common-types file spells it `SystemData` (see the spec README).
      const actual = defs[name] ? name : Object.keys(defs).find((k) => k.toLowerCase() === name.toLowerCase());
      if (!actual) throw new Error(`unresolvable $ref ${current.$ref}`);
      key = `${doc.file}#${actual}`;
      current = this.anchor(defs[actual], doc);
    }
    return { schema: current, key };
  }

  /** The spec points six folders up into the specs repository; our copy keeps common-types beside it. */
  private commonTypesPath(path: string): string {
    const marker = `${join('common-types', 'resource-management')}`;
    const at = path.indexOf(marker);
    return at >= 0 ? join(SPEC_DIR, path.slice(at)) : path;
  }

  private indexSubtypes(doc: Doc): void {
    const defs = doc.json.definitions as Schema;
    const parentsOf = (name: string): string[] =>
      (defs[name].allOf ?? [])
        .map((s: Schema) => (s.$ref?.startsWith('#/definitions/') ? s.$ref.slice('#/definitions/'.length) : undefined))
        .filter(Boolean);
    for (const name of Object.keys(defs)) {
      const value = defs[name]['x-ms-discriminator-value'] ?? name;
      // Register the subtype under every ancestor that declares a discriminator.
      const queue = parentsOf(name);
      while (queue.length) {
        const parent = queue.shift()!;
        const key = `${doc.file}#${parent}`;
        if (!this.subtypes.has(key)) this.subtypes.set(key, new Map());
        this.subtypes.get(key)!.set(value, name);
        queue.push(...parentsOf(parent));
      }
    }
  }

  // ---- validation ----

  /** The discriminator property declared by a schema or any of its allOf ancestors. */
  private discriminatorOf(schema: Schema): string | undefined {
    const { schema: r } = this.deref(schema);
    if (r.discriminator) return r.discriminator;
    for (const parent of r.allOf ?? []) {
      const found = this.discriminatorOf(this.anchor(parent, this.docOf(r)));
      if (found) return found;
    }
    return undefined;
  }

  /** Collects declared properties and required names through the allOf chain. */
  private flatten(schema: Schema): {
    properties: Map<string, Schema>;
    required: Set<string>;
    additional?: Schema | boolean;
  } {
    const properties = new Map<string, Schema>();
    const required = new Set<string>();
    let additional: Schema | boolean | undefined;
    const visit = (s: Schema) => {
      const { schema: r } = this.deref(s);
      for (const parent of r.allOf ?? []) visit(this.anchor(parent, this.docOf(r)));
      for (const [k, v] of Object.entries<Schema>(r.properties ?? {})) properties.set(k, this.anchor(v, this.docOf(r)));
      for (const k of r.required ?? []) required.add(k);
      if (r.additionalProperties !== undefined) additional = r.additionalProperties;
    };
    visit(schema);
    return { properties, required, additional };
  }

  private check(input: Schema, value: unknown, path: string, errors: SchemaError[]): void {
    let { schema, key } = this.deref(input);
    if (value === null) {
      if (!schema['x-nullable']) errors.push({ path, message: 'null is not allowed' });
      return;
    }
    // Polymorphism: the discriminator value must name this type or one of its subtypes (then validate as that).
    const discriminator = key ? this.discriminatorOf(schema) : undefined;
    if (discriminator && key && value && typeof value === 'object') {
      const tag = (value as Record<string, unknown>)[discriminator];
      const own = schema['x-ms-discriminator-value'] ?? key.split('#')[1];
      const sub = typeof tag === 'string' ? this.subtypes.get(key)?.get(tag) : undefined;
      if (sub) {
        ({ schema, key } = this.deref(this.anchor({ $ref: `#/definitions/${sub}` }, this.load(key.split('#')[0]!))));
      } else if (tag !== own && !(schema.discriminator && !this.subtypes.get(key)?.size)) {
        errors.push({
          path: `${path}.${discriminator}`,
          message: `unknown discriminator value ${JSON.stringify(tag)}`,
        });
        return;
      }
    }
    const type = schema.type ?? (schema.properties || schema.allOf ? 'object' : undefined);
    switch (type) {
      case 'object':
        this.checkObject(schema, value, path, errors);
        return;
      case 'array':
        if (!Array.isArray(value)) return void errors.push({ path, message: `expected array, got ${typeof value}` });
        for (const [i, item] of value.entries()) {
          this.check(this.anchor(schema.items, this.docOf(schema)), item, `${path}[${i}]`, errors);
        }
        return;
      case 'string':
        if (typeof value !== 'string')
          return void errors.push({ path, message: `expected string, got ${JSON.stringify(value)}` });
        if (schema.format === 'date-time' && Number.isNaN(Date.parse(value)))
          errors.push({ path, message: `not a date-time: ${value}` });
        if (schema.enum && schema['x-ms-enum']?.modelAsString !== true && !schema.enum.includes(value))
          errors.push({ path, message: `${value} is not one of ${schema.enum.join(', ')}` });
        return;
      case 'integer':
        if (!Number.isInteger(value)) errors.push({ path, message: `expected integer, got ${JSON.stringify(value)}` });
        return;
      case 'number':
        if (typeof value !== 'number') errors.push({ path, message: `expected number, got ${JSON.stringify(value)}` });
        return;
      case 'boolean':
        if (typeof value !== 'boolean')
          errors.push({ path, message: `expected boolean, got ${JSON.stringify(value)}` });
        return;
      default:
        return; // an untyped schema accepts anything
    }
  }

  private checkObject(schema: Schema, value: unknown, path: string, errors: SchemaError[]): void {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      errors.push({ path, message: `expected object, got ${JSON.stringify(value)}` });
      return;
    }
    const { properties, required, additional } = this.flatten(schema);
    const record = value as Record<string, unknown>;
    for (const name of required)
      if (!(name in record)) errors.push({ path, message: `missing required property ${name}` });
    for (const [name, v] of Object.entries(record)) {
      const propSchema = properties.get(name);
      if (propSchema) this.check(propSchema, v, `${path}.${name}`, errors);
      else if (additional && typeof additional === 'object')
        this.check(this.anchor(additional, this.docOf(schema)), v, `${path}.${name}`, errors);
      else if (additional !== true) errors.push({ path, message: `property ${name} is not declared` });
    }
  }
}

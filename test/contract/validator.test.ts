/**
 * The contract tests are only as good as the schema validator behind them: it must accept every official
 * example and reject what the spec does not allow.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { OpenApi, SPEC_DIR } from './openapi';

const api = new OpenApi();
const spec = JSON.parse(readFileSync(join(SPEC_DIR, 'dataprotection.json'), 'utf8'));

function exampleFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) =>
    statSync(join(dir, f)).isDirectory() ? exampleFiles(join(dir, f)) : [join(dir, f)],
  );
}

/** operationId of each example file, from the spec's own x-ms-examples links. */
function operationOfExample(file: string): string | undefined {
  for (const pathItem of Object.values<any>(spec.paths)) {
    for (const op of Object.values<any>(pathItem)) {
      for (const ex of Object.values<any>(op?.['x-ms-examples'] ?? {})) {
        if (file.endsWith(String(ex.$ref).replace(/^\.\/examples\//, ''))) return op.operationId;
      }
    }
  }
  return undefined;
}

const cases = exampleFiles(join(SPEC_DIR, 'examples')).flatMap((file) => {
  const example = JSON.parse(readFileSync(file, 'utf8'));
  const operationId = operationOfExample(file);
  return Object.entries<any>(example.responses).map(
    ([status, response]) => [file.split('examples/')[1]!, operationId, Number(status), response.body] as const,
  );
});

describe('the OpenAPI validator', () => {
  it('finds the operation of every official example', () => {
    expect(cases.length).toBeGreaterThan(30);
    for (const [file, operationId] of cases) expect([file, operationId]).toEqual([file, expect.any(String)]);
  });

  it.each(cases)('accepts the official example %s (%s %i)', (_file, operationId, status, body) => {
    expect(api.validateResponse(operationId!, status, body)).toEqual([]);
  });

  const vault = JSON.parse(readFileSync(join(SPEC_DIR, 'examples/VaultCRUD/GetBackupVault.json'), 'utf8')).responses[
    '200'
  ].body;

  it('rejects a property the spec does not declare', () => {
    const errors = api.validateResponse('BackupVaults_Get', 200, { ...vault, invented: 1 });
    expect(errors).toEqual([{ path: '$', message: 'property invented is not declared' }]);
  });

  it('rejects a missing required property and a wrong type', () => {
    const { properties, ...withoutProperties } = vault;
    expect(api.validateResponse('BackupVaults_Get', 200, withoutProperties)).toContainEqual({
      path: '$',
      message: 'missing required property properties',
    });
    const badType = { ...vault, properties: { ...properties, storageSettings: 'GeoRedundant' } };
    expect(api.validateResponse('BackupVaults_Get', 200, badType)[0]?.path).toBe('$.properties.storageSettings');
  });

  it('follows discriminators into subtypes and rejects unknown ones', () => {
    const good = { objectType: 'OperationJobExtendedInfo', jobId: 'x' };
    expect(api.validateResponse('BackupInstances_TriggerRestore', 200, good)).toEqual([]);
    expect(api.validateResponse('BackupInstances_TriggerRestore', 200, { ...good, jobId: 7 })).toHaveLength(1);
    expect(api.validateResponse('BackupInstances_TriggerRestore', 200, { objectType: 'Nope' })[0]?.message).toMatch(
      /unknown discriminator/,
    );
  });

  it('treats extensible enums as open and dates as dates', () => {
    const rp = JSON.parse(
      readFileSync(join(SPEC_DIR, 'examples/BackupInstanceOperations/GetRecoveryPoint.json'), 'utf8'),
    ).responses['200'].body;
    const odd = { ...rp, properties: { ...rp.properties, recoveryPointState: 'SomethingNew' } };
    expect(api.validateResponse('RecoveryPoints_Get', 200, odd)).toEqual([]);
    const badDate = { ...rp, properties: { ...rp.properties, recoveryPointTime: 'yesterday' } };
    expect(api.validateResponse('RecoveryPoints_Get', 200, badDate)[0]?.message).toMatch(/not a date-time/);
  });

  it('maps concrete request paths to operations', () => {
    const vaultPath = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.DataProtection/backupVaults/v';
    expect(api.matchOperation('GET', vaultPath)).toBe('BackupVaults_Get');
    expect(api.matchOperation('PATCH', vaultPath)).toBe('BackupVaults_Update');
    expect(api.matchOperation('GET', `${vaultPath}/backupInstances/bi/recoveryPoints`)).toBe('RecoveryPoints_List');
    expect(
      api.matchOperation(
        'POST',
        '/subscriptions/s/resourceGroups/rg/providers/Microsoft.DataProtection/locations/westus/crossRegionRestore',
      ),
    ).toBe('BackupInstances_TriggerCrossRegionRestore');
    expect(api.matchOperation('GET', '/nowhere')).toBeUndefined();
  });
});

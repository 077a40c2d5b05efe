/**
 * Draws the Teams app icons (committed under manifest/teams; run again only to change the design):
 * - color.png, 192×192: a white database cylinder with a restore arrow on the accent blue;
 * - outline.png, 32×32: the same cylinder as a white outline on transparent, as Teams requires.
 * Usage: npx tsx src/bot/teams/make-icons.ts [directory]
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng } from './png';

type Rgba = [number, number, number, number];
/** Coverage test in unit coordinates (0..1 across the icon). */
type Shape = (x: number, y: number) => boolean;

const ACCENT: Rgba = [0x0f, 0x6c, 0xbd, 255];
const WHITE: Rgba = [255, 255, 255, 255];

/** A cylinder: top and bottom ellipses joined by straight sides. */
function cylinder(cx: number, top: number, bottom: number, rx: number, ry: number): Shape {
  const inEllipse = (x: number, y: number, cy: number) => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;
  return (x, y) =>
    inEllipse(x, y, top) || inEllipse(x, y, bottom) || (Math.abs(x - cx) <= rx && y >= top && y <= bottom);
}

/** Approximate distance from a point to an ellipse's edge (first-order: |F| / |grad F|). */
function ellipseDistance(x: number, y: number, cx: number, cy: number, rx: number, ry: number): number {
  const dx = x - cx;
  const dy = y - cy;
  const f = (dx / rx) ** 2 + (dy / ry) ** 2 - 1;
  const grad = Math.hypot((2 * dx) / rx ** 2, (2 * dy) / ry ** 2);
  return grad === 0 ? Number.POSITIVE_INFINITY : Math.abs(f) / grad;
}

/** The lower half of an ellipse drawn as a line of the given width (the bands of the cylinder). */
function lowerArc(cx: number, cy: number, rx: number, ry: number, width: number): Shape {
  return (x, y) => y >= cy && ellipseDistance(x, y, cx, cy, rx, ry) <= width / 2;
}

function ellipseRing(cx: number, cy: number, rx: number, ry: number, width: number): Shape {
  return (x, y) => ellipseDistance(x, y, cx, cy, rx, ry) <= width / 2;
}

/** An arc of a circle (angles in radians, clockwise from 3 o'clock) with a width. */
function circleArc(cx: number, cy: number, r: number, width: number, from: number, to: number): Shape {
  return (x, y) => {
    const d = Math.hypot(x - cx, y - cy);
    if (Math.abs(d - r) > width / 2) return false;
    let a = Math.atan2(y - cy, x - cx);
    if (a < 0) a += 2 * Math.PI;
    return a >= from && a <= to;
  };
}

function triangle(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): Shape {
  const side = (px: number, py: number, x1: number, y1: number, x2: number, y2: number) =>
    (px - x2) * (y1 - y2) - (x1 - x2) * (py - y2);
  return (x, y) => {
    const d1 = side(x, y, ax, ay, bx, by);
    const d2 = side(x, y, bx, by, cx, cy);
    const d3 = side(x, y, cx, cy, ax, ay);
    return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
  };
}

/** Paints layers in order, 4×4 supersampled so edges are smooth. */
function paint(size: number, background: Rgba | undefined, layers: [Shape, Rgba][]): Uint8Array {
  const pixels = new Uint8Array(size * size * 4);
  const samples = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) / size;
          const y = (py + (sy + 0.5) / samples) / size;
          let color = background ?? ([0, 0, 0, 0] as Rgba);
          for (const [shape, fill] of layers) if (shape(x, y)) color = fill;
          // Premultiplied accumulation keeps transparent edges from darkening.
          acc[0]! += (color[0] * color[3]) / 255;
          acc[1]! += (color[1] * color[3]) / 255;
          acc[2]! += (color[2] * color[3]) / 255;
          acc[3]! += color[3];
        }
      }
      const n = samples * samples;
      const alpha = acc[3]! / n;
      const i = (py * size + px) * 4;
      pixels[i] = alpha ? Math.round((acc[0]! / n) * (255 / alpha)) : 0;
      pixels[i + 1] = alpha ? Math.round((acc[1]! / n) * (255 / alpha)) : 0;
      pixels[i + 2] = alpha ? Math.round((acc[2]! / n) * (255 / alpha)) : 0;
      pixels[i + 3] = Math.round(alpha);
    }
  }
  return pixels;
}

export function colorIcon(): Buffer {
  const size = 192;
  const body = cylinder(0.44, 0.3, 0.7, 0.2, 0.08);
  const arrow = circleArc(0.66, 0.66, 0.14, 0.05, Math.PI * 0.9, Math.PI * 2.2);
  return encodePng(
    size,
    size,
    paint(size, ACCENT, [
      [body, WHITE],
      [ellipseRing(0.44, 0.3, 0.2, 0.08, 0.025), ACCENT],
      [lowerArc(0.44, 0.43, 0.2, 0.08, 0.025), ACCENT],
      [lowerArc(0.44, 0.56, 0.2, 0.08, 0.025), ACCENT],
      [circleArc(0.66, 0.66, 0.14, 0.11, Math.PI * 0.9, Math.PI * 2.2), ACCENT],
      [arrow, WHITE],
      [triangle(0.44, 0.62, 0.58, 0.62, 0.51, 0.72), WHITE],
    ]),
  );
}

export function outlineIcon(): Buffer {
  const size = 32;
  const stroke = 2.2 / size;
  const outer = cylinder(0.5, 0.24, 0.76, 0.32, 0.11);
  const inner = cylinder(0.5, 0.24, 0.76, 0.32 - stroke, 0.11 - stroke);
  return encodePng(
    size,
    size,
    paint(size, undefined, [
      [(x, y) => outer(x, y) && !inner(x, y), WHITE],
      [ellipseRing(0.5, 0.24, 0.32 - stroke / 2, 0.11 - stroke / 2, stroke), WHITE],
      [lowerArc(0.5, 0.5, 0.32 - stroke / 2, 0.11 - stroke / 2, stroke), WHITE],
    ]),
  );
}

if (require.main === module) {
  const dir = process.argv[2] ?? join(__dirname, '../../../manifest/teams');
  writeFileSync(join(dir, 'color.png'), colorIcon());
  writeFileSync(join(dir, 'outline.png'), outlineIcon());
  process.stdout.write(`wrote ${join(dir, 'color.png')} and ${join(dir, 'outline.png')}\n`);
}

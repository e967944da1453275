// The scale curve as a picture: panels of lines against the file count on a log axis. Hand-made
// SVG text (no dependencies); pure, so a test can check the points it was given are there.

export interface Point {
  x: number;
  y: number;
}

export interface Series {
  name: string;
  points: readonly Point[];
}

export interface Panel {
  title: string;
  yLabel: string;
  series: readonly Series[];
}

const WIDTH = 420;
const HEIGHT = 300;
const MARGIN = { left: 60, right: 15, top: 30, bottom: 45 };
const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** 10k, 1M, 2.5k: file counts as people write them. */
export function formatCount(value: number): string {
  if (value >= 1e6) return `${+(value / 1e6).toPrecision(3)}M`;
  if (value >= 1e3) return `${+(value / 1e3).toPrecision(3)}k`;
  return String(value);
}

function renderPanel(panel: Panel, offsetX: number): string {
  const points = panel.series.flatMap((series) => series.points);
  const xs = points.map((point) => point.x).filter((x) => x > 0);
  // Whole decades around the points, so that the axis starts at the first count, not at 1.
  const minX = xs.length === 0 ? 1 : 10 ** Math.floor(Math.log10(Math.min(...xs)));
  const maxX = Math.max(minX * 10, xs.length === 0 ? 10 : 10 ** Math.ceil(Math.log10(Math.max(...xs))));
  const maxY = Math.max(...points.map((point) => point.y), 1e-9) * 1.1;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => offsetX + MARGIN.left + ((Math.log10(x) - Math.log10(minX)) / (Math.log10(maxX) - Math.log10(minX) || 1)) * plotWidth;
  const sy = (y: number) => MARGIN.top + plotHeight - (y / maxY) * plotHeight;
  const parts: string[] = [];
  parts.push(`<text x="${offsetX + WIDTH / 2}" y="18" text-anchor="middle" font-weight="bold">${escapeXml(panel.title)}</text>`);
  parts.push(`<line x1="${sx(minX)}" y1="${sy(0)}" x2="${sx(maxX)}" y2="${sy(0)}" stroke="#333"/>`);
  parts.push(`<line x1="${sx(minX)}" y1="${sy(0)}" x2="${sx(minX)}" y2="${sy(maxY)}" stroke="#333"/>`);
  for (let decade = Math.ceil(Math.log10(minX)); decade <= Math.floor(Math.log10(maxX)); decade += 1) {
    const x = sx(10 ** decade);
    parts.push(`<line x1="${x}" y1="${sy(0)}" x2="${x}" y2="${sy(0) + 4}" stroke="#333"/><text x="${x}" y="${sy(0) + 16}" text-anchor="middle">${formatCount(10 ** decade)}</text>`);
  }
  for (let tick = 0; tick <= 4; tick += 1) {
    const value = (maxY / 1.1) * (tick / 4);
    parts.push(`<text x="${offsetX + MARGIN.left - 6}" y="${sy(value) + 4}" text-anchor="end">${+value.toPrecision(2)}</text>`);
  }
  parts.push(`<text x="${offsetX + WIDTH / 2}" y="${HEIGHT - 8}" text-anchor="middle">files (log scale)</text>`);
  parts.push(`<text transform="translate(${offsetX + 14} ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escapeXml(panel.yLabel)}</text>`);
  panel.series.forEach((series, index) => {
    const colour = COLOURS[index % COLOURS.length] as string;
    const path = series.points.map((point) => `${sx(point.x).toFixed(1)},${sy(point.y).toFixed(1)}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${path}"/>`);
    for (const point of series.points) {
      parts.push(`<circle cx="${sx(point.x).toFixed(1)}" cy="${sy(point.y).toFixed(1)}" r="3" fill="${colour}" data-series="${escapeXml(series.name)}" data-x="${point.x}" data-y="${point.y}"><title>${escapeXml(`${series.name}: ${formatCount(point.x)} files, ${+point.y.toPrecision(3)}`)}</title></circle>`);
    }
    parts.push(`<rect x="${offsetX + MARGIN.left + 8}" y="${MARGIN.top + 4 + index * 15}" width="10" height="3" fill="${colour}"/><text x="${offsetX + MARGIN.left + 22}" y="${MARGIN.top + 9 + index * 15}">${escapeXml(series.name)}</text>`);
  });
  return parts.join('\n');
}

export function renderPanelsSvg(panels: readonly Panel[]): string {
  const width = WIDTH * panels.length;
  const body = panels.map((panel, index) => renderPanel(panel, index * WIDTH)).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${HEIGHT}" viewBox="0 0 ${width} ${HEIGHT}" font-family="sans-serif" font-size="11">\n<rect width="${width}" height="${HEIGHT}" fill="white"/>\n${body}\n</svg>\n`;
}

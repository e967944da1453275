// Diagnostics shared by every stage: a located problem in the profile, and its one-line rendering.

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  /** Stable code, BGnnn, documented in the README. */
  code: string;
  /** 1-based line in the profile; 0 when the problem concerns the whole file. */
  line: number;
  section?: string;
  key?: string;
  message: string;
}

/** `FILE:LINE: error[CODE]: [section] key: message` */
export function formatDiagnostic(fileName: string, d: Diagnostic): string {
  const where = d.section === undefined ? '' : `[${d.section}]${d.key === undefined ? '' : ` ${d.key}`}: `;
  return `${fileName}:${d.line}: ${d.severity}[${d.code}]: ${where}${d.message}`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

export function byLine(a: Diagnostic, b: Diagnostic): number {
  return a.line - b.line || a.code.localeCompare(b.code);
}

/** Shapes of the generated Chime model (see scripts/generate-chime-model.ts). */
export type Schema =
  | { kind: 'string'; min?: number; max?: number; pattern?: string; sensitive?: boolean }
  | { kind: 'integer'; min?: number; max?: number }
  | { kind: 'boolean' }
  | { kind: 'timestamp' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'list'; member: string; min?: number; max?: number }
  | { kind: 'structure'; members: Readonly<Record<string, MemberSpec>> }
  | { kind: 'unit' };

export interface MemberSpec {
  target: string;
  required?: true;
  location?: 'label' | 'query' | 'header';
  locationName?: string;
}

export interface OperationSpec {
  name: string;
  method: string;
  uri: string;
  code: number;
  input: string;
  output: string;
  errors: readonly string[];
}

import { randomUUID } from 'node:crypto';

/** A JSON Schema node of the live OpenAPI document, as far as these tests read it. */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  default?: unknown;
}

interface Parameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema?: Schema;
}

interface OperationObject {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
  security?: Record<string, string[]>[];
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Record<string, Schema> };
}

/** One operation of the document: `GET /api/v1/admin/users/{id}` is its key in the tests' tables. */
export interface Operation {
  key: string;
  method: string;
  path: string;
  pathParams: Parameter[];
  queryParams: Parameter[];
  /** The JSON body's schema; null when the operation takes no JSON body. */
  body: Schema | null;
  /** Other body media types it takes (the CSV import). */
  otherMediaTypes: string[];
  /** The document says it needs a session or an API token. */
  protected: boolean;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

export function operationsOf(doc: OpenApiDocument): Operation[] {
  const resolve = (schema: Schema | undefined): Schema | null => {
    if (!schema) return null;
    if (!schema.$ref) return schema;
    return doc.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')] ?? null;
  };
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => {
        const params = (op.parameters ?? []).map((p) => ({ ...p, schema: resolve(p.schema) ?? {} }));
        const content = op.requestBody?.content ?? {};
        return {
          key: `${method.toUpperCase()} ${path}`,
          method: method.toUpperCase(),
          path,
          pathParams: params.filter((p) => p.in === 'path'),
          queryParams: params.filter((p) => p.in === 'query'),
          body: content['application/json'] ? (resolve(content['application/json'].schema) ?? {}) : null,
          otherMediaTypes: Object.keys(content).filter((t) => t !== 'application/json'),
          protected: (op.security ?? []).length > 0,
        };
      }),
  );
}

/** A plausible value for a schema: every property filled in (optional ones too), so every field can be mutated. */
export function sampleOf(doc: OpenApiDocument, input: Schema | undefined, depth = 0): unknown {
  const schema = input?.$ref ? doc.components?.schemas?.[input.$ref.replace('#/components/schemas/', '')] : input;
  if (!schema || depth > 6) return null;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) return sampleOf(doc, alternatives.find((s) => s.type !== 'null') ?? alternatives[0], depth + 1);
  if (schema.allOf?.length) {
    return Object.assign({}, ...schema.allOf.map((s) => sampleOf(doc, s, depth + 1) as object));
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string':
      return sampleString(schema);
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return [sampleOf(doc, schema.items, depth + 1)];
    case 'object':
    case undefined:
      if (!schema.properties) return type ? {} : 'sample';
      return Object.fromEntries(Object.entries(schema.properties).map(([k, s]) => [k, sampleOf(doc, s, depth + 1)]));
    default:
      return null;
  }
}

function sampleString(schema: Schema): string {
  switch (schema.format) {
    case 'uuid':
      return randomUUID();
    case 'email':
      return `sample.${randomUUID().slice(0, 8)}@example.com`;
    case 'uri':
    case 'url':
      return 'https://idp.example.com';
    case 'date-time':
      return new Date().toISOString();
    default: {
      const text = 'sample-text';
      return text.padEnd(schema.minLength ?? 0, 'x').slice(0, schema.maxLength ?? text.length);
    }
  }
}

/** The paths (`a.b.0`) of every leaf of a sample value. */
export function leavesOf(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leavesOf(v, [...path, i]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => leavesOf(v, [...path, k]));
  }
  return path.length > 0 ? [path] : [];
}

/** A copy of `value` with the leaf at `path` replaced. */
export function withLeaf(value: unknown, path: (string | number)[], leaf: unknown): unknown {
  if (path.length === 0) return leaf;
  const [head, ...rest] = path;
  const copy = (Array.isArray(value) ? [...(value as unknown[])] : { ...(value as object) }) as Record<string | number, unknown>;
  copy[head!] = withLeaf(copy[head!], rest, leaf);
  return copy;
}

/** The operation's path with every parameter filled in by `fill` (already URL-encoded). */
export const urlOf = (op: Operation, fill: (name: string) => string) =>
  op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => fill(name));

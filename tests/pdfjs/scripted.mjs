// Fill a PDF with its form scripts running in pdf.js's own sandbox (QuickJS), as Firefox's viewer
// drives it (web/pdf_scripting_manager.js, display/annotation_layer.js): the document's Open event,
// a Keystroke event per typed character and one that commits the value when the field is left, the
// Validate and Action events of a clicked button, the viewer storing what the sandbox sends back.
// Prints JSON: the alerts the scripts raised, and each field's value, what it shows, and whether it
// is hidden; then saves the file as Firefox does.
// usage: node scripted.mjs in.pdf out.pdf '[["type", "field", "text"], ["click", "field", "export value"],
//                                           ["choose", "field", "export value"]]'
import { readFileSync, writeFileSync } from "node:fs";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { QuickJSSandbox } from "pdfjs-dist/legacy/build/pdf.sandbox.mjs";

const [input, output, json] = process.argv.slice(2);
const steps = JSON.parse(json);
const alerts = [];
const errors = [];
const state = {};  // widget id → what the sandbox last sent for it
let storage = null;

globalThis.window = {
  setTimeout, clearTimeout, setInterval, clearInterval, URL,
  alert: message => alerts.push(message),
  confirm: () => true,
  prompt: () => null,
  CustomEvent: class { constructor(type, init) { this.type = type; this.detail = init.detail; } },
  dispatchEvent: event => receive(event.detail),
};

function receive(detail) {  // what PDFScriptingManager.#updateFromSandbox and the widgets do with it
  if (!detail.id) {
    if (detail.command === "error") errors.push(detail.value);
    return;
  }
  const { id, siblings, ...update } = detail;
  for (const elementId of [id, ...(siblings || [])]) {
    state[elementId] = { ...state[elementId], ...update };
    const stored = {};
    const button = buttons[elementId];
    if ("value" in update) stored.value = button === undefined ? update.value : update.value === button;
    if ("formattedValue" in update) stored.formattedValue = update.formattedValue;
    if ("display" in update) {
      stored.noView = update.display % 2 === 1;
      stored.noPrint = update.display === 1 || update.display === 2;
    }
    if (Object.keys(stored).length) storage.setValue(elementId, stored);
  }
}

const pdf = await getDocument({ data: new Uint8Array(readFileSync(input)), disableFontFace: true, verbosity: 0 }).promise;
storage = pdf.annotationStorage;
const [objects, calculationOrder, actions] = await Promise.all([
  pdf.getFieldObjects(), pdf.getCalculationOrderIds(), pdf.getJSActions()]);
const buttons = {};  // a radio button's or check box's widget id → its export value: what it stores is on or off
for (const list of Object.values(objects)) {
  for (const object of list) {
    if (object.type === "radiobutton" || object.type === "checkbox") buttons[object.id] = object.exportValues;
  }
}
const sandbox = await QuickJSSandbox();
sandbox.create({
  objects, calculationOrder, appInfo: { platform: "Linux x86_64", language: "ru-RU" },
  docInfo: { numPages: pdf.numPages, filename: "form.pdf", actions },
});
const send = detail => sandbox.dispatchEvent(detail);
send({ id: "doc", name: "Open" });

function widgets(name) {
  return (objects[name] || []).filter(object => object.type);
}

function type(name, text) {
  const [widget] = widgets(name);
  let value = state[widget.id]?.value ?? "";
  value = String(value);
  for (const change of text) {  // each character as its own keystroke, at the end of what is there
    send({ id: widget.id, name: "Keystroke", value, change, selStart: value.length, selEnd: value.length,
           willCommit: false });
    value = String(state[widget.id]?.value ?? value);
  }
  storage.setValue(widget.id, { value });
  send({ id: widget.id, name: "Keystroke", value, willCommit: true, commitKey: 3, selStart: value.length,
         selEnd: value.length });
}

function click(name, exported) {
  for (const widget of widgets(name)) {
    const chosen = widget.exportValues === exported;
    storage.setValue(widget.id, { value: chosen });
    if (chosen) {
      send({ id: widget.id, name: "Validate", value: true });
      send({ id: widget.id, name: "Action", value: true });
    }
  }
}

function choose(name, exported) {
  const [widget] = widgets(name);
  storage.setValue(widget.id, { value: exported });
  send({ id: widget.id, name: "Keystroke", value: exported, change: exported, changeEx: exported,
         willCommit: true, keyDown: false, commitKey: 3 });
}

const doing = { type, click, choose };
for (const [what, name, text] of steps) doing[what](name, text);

const fields = {};
for (const name of Object.keys(objects)) {
  const shown = widgets(name).map(widget => state[widget.id] || {});
  if (!shown.length) continue;
  fields[name] = {
    value: shown[0].value ?? null, formatted: shown[0].formattedValue ?? null,
    hidden: shown.some(update => update.display === 1), readonly: shown.some(update => update.readonly === true),
  };
}
writeFileSync(output, await pdf.saveDocument());
process.stdout.write(`\n${JSON.stringify({ alerts, errors, fields })}\n`);  // the last line: pdf.js warns on stdout as it loads
sandbox.nukeSandbox();

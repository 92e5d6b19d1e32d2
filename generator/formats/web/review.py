"""`collect --review review.html`: one static page listing every scanned field a person must check —
its image as scanned beside the value read and the confidence — application by application, so
staff key in only what the machine could not read. No script, no external resource: the images are
data URIs. Every value on the page comes from a scan and is escaped."""
from __future__ import annotations

import base64
import html
from ...model.messages import REVIEW_MESSAGES

STYLE = """body{font:14px/1.4 sans-serif;margin:2em;color:#222}h1{font-size:1.4em}h2{font-size:1.1em;margin-top:2em}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #bbb;padding:.4em;text-align:left;vertical-align:top}
th{background:#eee}img{max-width:100%;border:1px solid #ddd}td.value{font-family:monospace;white-space:pre-wrap}"""


def review_items(applications, labels: dict[str, str]) -> list[tuple[str, list[tuple[str, object]]]]:
    """[(application key, [(field label, reading)])] for the scanned fields no file answers."""
    items = []
    for application in applications:
        values, fields, listed = application.values(), [], set()
        for returned in application.files:
            for field_id, reading in returned.readings.items():
                if reading.review and not values.get(field_id) and field_id not in listed:  # a page seen twice: once
                    listed.add(field_id)
                    fields.append((labels.get(field_id, field_id), reading))
        if fields:
            items.append((application.key, fields))
    return items


def review_page(applications, labels: dict[str, str], text, tag: str = "") -> str:
    """The page: `labels` name the fields (as the workbook heads their columns), `text(message id)`
    gives the page's words in one language, `tag` (BCP 47) says which, for a screen reader's voice."""
    title, intro, field, scan, value, confidence, nothing = (html.escape(text(m)) for m in REVIEW_MESSAGES)
    lang = f' lang="{html.escape(tag)}"' if tag else ""
    parts = [f"<!DOCTYPE html>\n<html{lang}><head><meta charset=\"utf-8\"><title>{title}</title>",
             f"<style>{STYLE}</style></head><body><h1>{title}</h1><p>{intro}</p>"]
    items = review_items(applications, labels)
    for key, fields in items:
        parts.append(f"<h2>{html.escape(key)}</h2><table><tr><th>{field}</th><th>{scan}</th>"
                     f"<th>{value}</th><th>{confidence}</th></tr>")
        for label, reading in fields:
            image = (f'<img alt="" src="data:image/png;base64,{base64.b64encode(reading.image).decode()}">'
                     if reading.image else "")
            parts.append(f"<tr><td>{html.escape(label)}<br><small>{html.escape(reading.field_id)}</small></td>"
                         f"<td>{image}</td><td class=\"value\">{html.escape(reading.value)}</td>"
                         f"<td>{reading.confidence:.0f}</td></tr>")
        parts.append("</table>")
    if not items:
        parts.append(f"<p>{nothing}</p>")
    parts.append("</body></html>\n")
    return "".join(parts)

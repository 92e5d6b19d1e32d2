"""DOCX: the writer (the language's template and the body as WordprocessingML text), its reader, and
the letter placed in a municipality's own letterhead."""

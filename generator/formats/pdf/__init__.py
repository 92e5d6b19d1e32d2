"""PDF: the page layout, the file with its AcroForm written by formgen itself, the shipped fonts, and
the readers of a returned PDF (quick, then qpdf) and of its signatures."""

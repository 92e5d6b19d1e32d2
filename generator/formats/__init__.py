"""Each file format a writer and its reader side by side (docx/, pdf/, tables/, web/). A format's
package imports no other format's; what several share sits here (zips.py, xmltext.py)."""

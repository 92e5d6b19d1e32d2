"""Rows in (CSV, XLSX, YAML data files for `fill`) and tables out (XLSX, CSV, JSON for `collect`)."""

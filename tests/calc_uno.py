"""What LibreOffice Calc makes of a workbook, run by Debian's /usr/bin/python3 (python3-uno):
    /usr/bin/python3 tests/calc_uno.py WORKBOOK PROFILE_DIR '["sheet!A1", …]'
prints JSON: each sheet's frozen columns and rows and its autofilter, and each cell's value, text as
shown, type and links, after Calc has calculated every formula. tests/test_workbook.py runs it."""
import json, subprocess, sys, time, uno
from com.sun.star.beans import PropertyValue
path, profile, cells = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
office = subprocess.Popen(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--invisible",
                           "--accept=pipe,name=fgcalc;urp;", "--norestore"], stderr=subprocess.DEVNULL)
try:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(150):
        try:
            context = resolver.resolve("uno:pipe,name=fgcalc;urp;StarOffice.ComponentContext")
            break
        except Exception:
            time.sleep(0.2)
    desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
    hidden = PropertyValue(); hidden.Name = "Hidden"; hidden.Value = True
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(path), "_blank", 0, (hidden,))
    doc.calculateAll()
    controller = doc.getCurrentController()
    found = {"sheets": {}, "cells": {}}
    for index, sheet in enumerate(doc.Sheets):
        controller.setActiveSheet(sheet)
        ranges = doc.getPropertyValue("UnnamedDatabaseRanges")
        area = ranges.getByTable(index) if ranges.hasByTable(index) else None
        found["sheets"][sheet.Name] = {
            "frozen": [controller.getSplitColumn(), controller.getSplitRow()] if controller.hasFrozenPanes() else None,
            "filter": bool(area and area.AutoFilter),
            "filter_rows": [area.DataArea.StartRow, area.DataArea.EndRow] if area else None}
    for name in cells:
        sheet, reference = name.split("!")
        cell = doc.Sheets.getByName(sheet).getCellRangeByName(reference)
        fields = cell.getText().getTextFields().createEnumeration()
        links = []
        while fields.hasMoreElements():
            links.append(fields.nextElement().URL)
        found["cells"][name] = {"value": cell.getValue(), "text": cell.getString(), "type": cell.getType().value,
                                "links": links}
    doc.close(True)
    print(json.dumps(found, ensure_ascii=False))
finally:
    office.terminate()
    office.wait(30)

"""Scanned returns: pages drawn, codes found, pages aligned to the printed form, fields read by OCR.
Each module owns one library (PDFium and Pillow, zxing-cpp, OpenCV, tesseract)."""

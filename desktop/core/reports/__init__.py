"""PDF output: worksheets, letters, checklists (reportlab) and official forms (pypdf)."""

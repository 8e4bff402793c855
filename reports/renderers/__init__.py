"""Everything that turns a report snapshot into something to read: the document HTML shown on
the report pages and laid out by WeasyPrint (``html``), the signed PDF (``pdf``), the editable
DOCX (``docx_export``) and the edXML package for the province's document exchange (``edxml``).
"""

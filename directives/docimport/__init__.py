"""Registering a directive from its document: reading the file, parsing its parts.

``extract`` turns a DOCX, a PDF (with a text layer or scanned) or a photo into text, in a child
process with a time and memory limit; ``parser`` turns that text into the document's parts
(``ParsedDocument``). Neither touches the database: what they find is a proposal the clerk
reviews (``directives.services.registration`` writes the directive).
"""

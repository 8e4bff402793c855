"""The report pages, one module per job: ``listing`` (the periods owed, opening drafts, the
schedule), ``drafting`` (editing, submitting, discarding, correcting), ``review`` (the
leader's approval or return) and ``documents`` (a report's page, its files, sending and the
verification of a signed PDF).

Thin views: fetch through ``reports.access`` (which alone decides who may do what), validate a
form, call a ``reports.services`` function, render or redirect.
"""

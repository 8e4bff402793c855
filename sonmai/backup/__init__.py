"""Backup and restore of the whole portal: database, uploaded files and signing key.

``archive`` writes the single archive file, ``restore`` checks and restores it, ``database``
dumps and loads each engine, ``crypto`` encrypts the archive as a stream, ``schedule`` is the
daily job and its retention. The commands are ``manage.py backup`` and ``manage.py restore``
(units/management/commands/).
"""

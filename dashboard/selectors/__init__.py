"""Read queries for pages, one module per page.

Every selector answers from rollups and indexed queries with a fixed number of SQL queries,
whatever the amount of data (bench/pages.py measures it).
"""

"""How a journal number's label, and a KLE number written with spaces, look on a line of minutes as text.

Read by punkt_headers (a label may close a punkt header's title) and by text (the punkt's journal number).
"""
from __future__ import annotations

import re

from embeddings.journal import KLE_WRITTEN


# A journal number behind a label on its own line (the case system's name may come first: "Acadre sagsnr."):
# "Sagsnr.: 22-000019", "J.nr. 83.02.00-A00-1-23", "Jour.nr. …", "Journalnummer: …", "Sags ID:
# EMN-2024-01234", "Sag: 27.12.04-P21-2-26", an earlier number after it in brackets ("(tidligere …)"), or the
# label alone with the number on the next line.
# The label words; "Sag" and "Journal" alone are labels on a line of their own, not at the end of a title.
NUMBER_LABEL = r"sags?\s*nr|sagsnummer|sags?[\s-]*id|j\.?\s*nr|jour\.?\s*nr|journal\s*nr|journalnummer"
JOURNAL_LABEL = re.compile(r"^\s*(?:(?:acadre|sbsys|edoc|workzone|getorganized|captia|esdh)\s*[-:]?\s*)?"
                           r"(?:" + NUMBER_LABEL + r"|sag|journal)\b\.?\s*:?\s*`?"
                           r"(?P<value>" + KLE_WRITTEN + r"|[^\s()`]+)?`?\s*(?:\([^)]*\))?"
                           r"(?:(?:\t|\s{3,})(?:dok(?:ument)?\.?\s*nr|dokumentnummer)\b.*)?\s*$", re.I)  # then "Dok.nr.: …"
# A KLE number written with spaces ("06.01.00 G01 - 12 - 25"), alone or behind "KLE" / "KLE-nr.": one number.
KLE_SPACED = re.compile(KLE_WRITTEN)
KLE_LABEL = re.compile(r"^\s*KLE(?:[\s.-]*nr)?\.?\s*:?\s*(?P<value>" + KLE_WRITTEN + r")\s*$", re.I)

"""A workbook laid out like NHS England's DSPT spreadsheet (none is available to test with):
a read-me sheet, one sheet per organisation category, title rows above the header."""

import io

from openpyxl import Workbook

NHS_HEADER = [
    "NDG Standard", "Assertion", "Evidence Item ID", "Evidence Text", "Tooltip",
    "Input Type", "Mandatory", "AS", "Change from v7",
]  # fmt: skip
CAT3_ROWS = [
    ["1. Personal Confidential Data", "The organisation has a framework in place", "1.1.1",
     "What is your organisation's Information Commissioner's Office (ICO) registration number?",
     "Registration with the ICO is a legal requirement.", "Text", "Yes", "Yes", None],
    ["1. Personal Confidential Data", "The organisation has a framework in place", "1.1.2",
     "Does your organisation have an up to date list of the ways in which it holds and shares "
     "different types of personal and sensitive information?",
     "Keep a register of the information you store.", "Document", "Yes", "Yes",
     "Updated tooltip"],
    ["1. Personal Confidential Data", "Accountability and governance in place", "1.3.1",
     "Does your organisation have up to date policies in place for data protection?",
     "Update every three years.", "Yes/No", "Yes", "Yes", None],
    ["3. Training", "Staff are trained", "3.2.1",
     "Have at least 95% of all staff completed their annual Data Security Awareness training?",
     "Count everyone with access to personal data.", "Yes/No", "Yes", "No", None],
    ["7. Continuity Planning", "Business continuity", "7.3.4",
     "How does your organisation make sure that backups are tested?",
     "Test a restore at least once a year.", "Text", "Yes", "No", "New for cat 3"],
    ["9. IT Protection", "Penetration testing", "9.2.1",
     "Has a penetration test been carried out in the last twelve months?",
     None, "Yes/No", "No", "No", None],
]  # fmt: skip


def nhs_workbook(rows=None, header=None, *, extra_sheets=True) -> bytes:
    wb = Workbook()
    readme = wb.active
    readme.title = "Read me"
    readme.append(["Data Security and Protection Toolkit — Version 8 (2025-26)"])
    readme.append(["This workbook lists the evidence items for each organisation category."])
    if extra_sheets:
        cat2 = wb.create_sheet("CAT2")
        cat2.append(NHS_HEADER)
        cat2.append(["1. Personal Confidential Data", "x", "1.1.4", "A Cat 2 item", "", "Text",
                     "Yes", "Yes", None])  # fmt: skip
    sheet = wb.create_sheet("Cat3")
    sheet.append(["Category 3 — social care and other providers"])
    sheet.append([])
    sheet.append(header or NHS_HEADER)
    for row in CAT3_ROWS if rows is None else rows:
        sheet.append(row)
    if extra_sheets:
        wb.create_sheet("CAT4").append(NHS_HEADER)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

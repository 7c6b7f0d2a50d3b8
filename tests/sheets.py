"""Reading back the table sheets the app writes: each opens with a title block, and its header
row is the row repeated on every printed page (layout.print_setup)."""


def header_row(sheet) -> int:
    """The number of the header row: the sheet's print title rows ("$7:$7"); 1 for a sheet
    without them (the evaluation sheet and round roll-up workbooks)."""
    if not sheet.print_title_rows:
        return 1
    return int(sheet.print_title_rows.split(":")[0].lstrip("$"))


def table(sheet) -> list[list]:
    """The header row and the rows under it, as values."""
    return [list(row) for row in sheet.iter_rows(min_row=header_row(sheet), values_only=True)]

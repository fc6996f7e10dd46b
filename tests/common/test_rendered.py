from tests.rendered import table_rows


def test_table_rows_reads_the_text_of_each_body_row_unescaped():
    html = """<table><thead><tr><th>Nom</th></tr></thead><tbody>
      <tr><th scope="row"><a href="/p/1/">L&#x27;École  de
      Lille</a></th><td>12</td></tr>
      <tr><td>Roubaix</td><td></td></tr></tbody></table><table><tbody><tr><td>Autre</td></tr></tbody></table>"""
    assert table_rows(html) == ["L'École de Lille | 12", "Roubaix | ", "Autre"]
    assert table_rows("<p>Aucun projet.</p>") == []

from grader.template_helpers import format_score, render_markdown


def test_statement_math_becomes_mathml():
    html = str(render_markdown("ReLU is $\\max(0, x)$.\n\n$$\\frac{1}{2N}$$"))
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">' in html
    assert 'display="block"' in html and "<mfrac>" in html


def test_dollars_in_code_are_not_math():
    html = str(render_markdown("Use `a = $x$` here.\n\n```python\nprice = '$3 $4'\n```"))
    assert "<math" not in html and "$x$" in html and "$3 $4" in html


def test_uploaded_statement_cannot_inject_script():
    html = str(render_markdown("<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>"))
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html


def test_scores_print_without_trailing_zeros():
    assert format_score(7.50) == "7.5" and format_score(10.0) == "10" and format_score(None) == "–"

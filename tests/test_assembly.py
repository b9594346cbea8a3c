"""Body assembly: summary, signature, subject and paragraph roles as the drafter meant them.

Each case is the shape of a real cable (cited); the corpus cables themselves are checked in
tests/test_corpus_fields.py where ../shared is present.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cableparse

FRONT = "CONFIDENTIAL SECTION 01 OF 02 CARACAS 001508\n\nSIPDIS\n\nE.O. 12958: DECL: 05/03/2014\nTAGS: PGOV, VE\nSUBJECT: THE SUPREME COURT LAW\n\n"


def body(text: str) -> cableparse.Body:
    cable = cableparse.parse(FRONT + text, format="text")
    assert cable.body is not None
    return cable.body


# --- summary ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The paragraph number and portion mark are not part of the summary.
        ("1. (C) Summary: The Assembly voted. End Summary.\n\n2. (C) More.\n", "The Assembly voted."),
        # 03GUATEMALA307: "Summary and Action Request:" is a label too.
        ("1. Summary and Action Request: Post requests authority.\n\n2. Text.\n", "Post requests authority."),
        # 04SANAA256: "Summary/comment:".
        ("1. Summary/comment: DCM delivered the note.\n\n2. Text.\n", "DCM delivered the note."),
        # 03SANAA2741: "Begin Summary:", and End Summary in any case, without a period.
        ("1. Begin Summary: Charge convened the EAC. end summary\n\n2. Text.\n", "Charge convened the EAC."),
        # No End Summary: the summary ends with its paragraph.
        ("1. (SBU) SUMMARY: One paragraph only.\n\n2. (SBU) Not the summary.\n", "One paragraph only."),
        # End Summary a few paragraphs on: the summary runs to it.
        ("1. (C) Summary: First part.\n\n2. (C) Second part. End Summary.\n\n3. Text.\n", "First part. Second part."),
        # 04CARACAS1508: a "Summary" heading between rule lines; the summary is the next paragraph.
        ("-------\nSUMMARY\n-------\n\n1. The Assembly voted.\n(TSJ) April\n30. The bill passed. END SUMMARY.\n\n2. Text.\n",
         "The Assembly voted. (TSJ) April 30. The bill passed."),
        # 02VATICAN5296: heading inside paragraph 1.
        ("1. -------\nSUMMARY\n-------\nA DELEGATION RETURNED. END SUMMARY.\n\n2. TEXT.\n", "A DELEGATION RETURNED."),
        # "(End Summary)": the bracket is not part of the text.
        ("1. (C) Summary: The vote was close (End Summary).\n\n2. Text.\n", "The vote was close"),
        # 06SAOPAULO526: "SUMMARY CONTINUED:" opens the second summary paragraph; no label is text.
        ("1. (SBU) SUMMARY: Police were attacked.\n\n2. (SBU) SUMMARY CONTINUED: The city ran normally. END SUMMARY.\n\n3. Text.\n",
         "Police were attacked. The city ran normally."),
        # Without a label, the paragraph that ends in End Summary.
        ("1. (C) The Assembly voted. End Summary.\n\n2. Text.\n", "The Assembly voted."),
    ],
)
def test_summary(text: str, expected: str) -> None:
    assert body(text).summary == expected


def test_summary_without_an_old_page_break_marking() -> None:
    # 97SOFIA1105: an old-format page break leaves "CONFIDENTIAL" alone inside the summary.
    text = "2.(C)  SUMMARY:  AT THE CONFERENCE, ROUGHLY\n                       CONFIDENTIAL\n4000 DELEGATES AGREED.\nEND SUMMARY.\n\n3. Text.\n"
    assert body(text).summary == "AT THE CONFERENCE, ROUGHLY 4000 DELEGATES AGREED."


def test_no_summary_without_label_or_end_mark() -> None:
    assert body("1. (C) The Assembly voted.\n\n2. (C) It adjourned.\n").summary is None


# --- signers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1. Text of the cable.\n\nBASSETT\n", ("BASSETT",)),
        # A two-word surname is one signer (06REYKJAVIK120, 04MAPUTO1447), also in mixed case.
        ("1. Text of the cable.\n\nVAN VOORST\n", ("VAN VOORST",)),
        ("1. Text of the cable.\n\nLA LIME\n", ("LA LIME",)),
        ("1. Text of the cable.\n\nvan Voorst\n", ("van Voorst",)),
        # Two surnames of two people (06TRIPOLI198).
        ("1. Text of the cable.\n\nBERRY GOLDRICH\n", ("BERRY", "GOLDRICH")),
        # A first name before the surname in capitals.
        ("1. Text of the cable.\n\nLeslie BASSETT\n", ("BASSETT",)),
        # Trailing classification lines, end signs and a dump's footer are skipped
        # (92ZAGREB1869, 02VATICAN5296, 04CARACAS1080).
        ("1. Text of the cable.\n\nNEITZKE\n\nUNCLASSIFIED\n", ("NEITZKE",)),
        ("1. Text of the cable.\n\nNICHOLSON\n\nUNCLASSIFIED\n\n>\n\n 2002VATICA05296 - Classification: UNCLASSIFIED\n",
         ("NICHOLSON",)),
        ("1. Text of the cable.\n\nSHAPIRO\n\n2004CARACA01080 - CONFIDENTIAL\n", ("SHAPIRO",)),
        ("1. Text of the cable.\n\nHARDT\nNNNN\n", ("HARDT",)),
        # 04VATICAN3810: the message centre's relay note follows the signature.
        ("1. Text of the cable.\n\nNicholson\n\n\nNOTE: NOT PASSED TO ABOVE ADDRESSEE(S)\nNNNN\n\n"
         " 2004VATICA03810 - Classification: UNCLASSIFIED\n", ("Nicholson",)),
        # Reflowed pages end the last sentence and the signature on one line (09CAIRO1261).
        ("1. Text of the cable. Egypt declined such an exchange. SCOBEY\n", ("SCOBEY",)),
        ("1. Text of the cable. END COMMENT. Scobey\n", ("Scobey",)),
        # 09TELAVIV1324: the page runs the name onto the banner of asterisks that closes the
        # website notice.
        ("1. Text.\n13. (U) Fred Hof has cleared this message.\n*********** ******** Visit Embassy Tel Aviv's "
         "Classified Website: http://www.state.sgov.gov/p/nea/telaviv *********** ******** CUNNINGHAM\n",
         ("CUNNINGHAM",)),
        # 06BERN1971: every line ends with a backslash.
        ("1. Text of the cable. \\\nCONEWAY \\\n", ("CONEWAY",)),
        # issue 12 (signers as other parsers test them): a surname in capitals after Mc or Mac,
        # on its own line and at the end of a reflowed page's last sentence.
        ("1. Text of the cable.\n\nMcCULLOUGH\n", ("McCULLOUGH",)),
        ("1. Text of the cable. The talks went on. MacDONALD\n", ("MacDONALD",)),
    ],
)
def test_signers(text: str, expected: tuple[str, ...]) -> None:
    found = body(text)
    assert found.signers == expected
    # The signature is not left in the text of the last paragraph.
    assert not found.paragraphs[-1].text.rstrip(" \\").endswith(expected[-1])


@pytest.mark.parametrize(
    "text",
    [
        # A classification word is never a signer.
        "1. Text of the cable.\n\nCONFIDENTIAL\n",
        "1. Text of the cable.\n\nEND TEXT.\n",
        # The last words of a sentence are no signature.
        "1. The tone was positive and may help prompt quick action.\n",
        "1. Text of the cable.\n\nThanks.\n",
    ],
)
def test_no_signer(text: str) -> None:
    assert body(text).signers == ()


def test_signer_search_is_bounded() -> None:
    # Trailing marks after the signature belong to the last numbered paragraph and are skipped.
    assert body("1. Text.\n\nBASSETT\n" + "\n--\n" * 5000).signers == ("BASSETT",)
    # Thousands of unnumbered trailing-mark paragraphs neither recurse nor reach a name far back.
    assert body("Text.\n\nBASSETT\n" + "\n--\n" * 5000).signers == ()


# --- paragraphs -------------------------------------------------------------------------------


def test_a_wrapped_number_is_not_a_paragraph() -> None:
    # 04CARACAS1508: "April\n30. The bill" is a date wrapped onto the next line.
    paragraphs = body("1. The law passed in April\n30. The bill now goes to committee.\n\n2. Next.\n").paragraphs
    assert [p.number for p in paragraphs] == [1, 2]
    assert "April\n30. The bill" in paragraphs[0].text


def test_a_number_after_a_heading_is_a_paragraph() -> None:
    # 09USEUBRUSSELS948 has no paragraph 3: "4." after a heading and its rule line starts a
    # paragraph although it is out of sequence and the rule line ends in no full stop.
    text = "1. (U) First.\n\n2. (U) Second\n\nHorizontal Regulatory Cooperation\n---------\n\n4. (U) Fourth.\n"
    assert [p.number for p in body(text).paragraphs] == [1, 2, 4]


def test_a_line_starting_with_ref_letters_continues_its_block() -> None:
    # 04MADRID2250: "SUBJECT: ... GOS ECONOMIC\nREFORMS": REFORMS is no REF label, so the
    # subject keeps it and the paragraph that goes on with "REFERENDUM ..." stays whole.
    text = (
        "UNCLAS MADRID 002250\n\nSUBJECT: ECONOMISTS OFFER MIXED OUTLOOK ON GOS ECONOMIC\nREFORMS\n\n"
        "1. The vote on the\nREFERENDUM is near.\n\n2. Next.\n"
    )
    found = cableparse.parse(text, format="text").body
    assert found is not None
    assert found.subject == "ECONOMISTS OFFER MIXED OUTLOOK ON GOS ECONOMIC REFORMS"
    assert [p.number for p in found.paragraphs] == [1, 2]
    assert found.paragraphs[0].text == "The vote on the\nREFERENDUM is near."
    # A real REF label on the next line still starts a REF block.
    found = cableparse.parse("UNCLAS MADRID 002250\n\nSUBJECT: A SUBJECT\nREF: STATE 12\n\n1. Text.\n",
                             format="text", reference_id="04MADRID2250").body
    assert found is not None and found.subject == "A SUBJECT"
    assert [ref.cable_id for ref in found.refs] == ["04STATE12"]


def test_numbers_in_sequence_stay_paragraphs() -> None:
    paragraphs = body("1. First point\n2. Second point\n\n3. Third.\n").paragraphs
    assert [p.number for p in paragraphs] == [1, 2, 3]


# --- subject ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "subject"),
    [
        # Reflowed pages run the next front-matter item onto the subject line.
        ("SUBJECT: BRAZIL INSTALLATIONS REF: BRASILIA 861", "BRAZIL INSTALLATIONS"),
        ("SUBJECT: BRAZIL INSTALLATIONS Ref(s): BRASILIA 861", "BRAZIL INSTALLATIONS"),
        ("SUBJECT: BRAZIL INSTALLATIONS REFTELS: A. BRASILIA 861", "BRAZIL INSTALLATIONS"),
        ("SUBJECT: LIBYA TALKS Classified By: CDA Stevens, reason 1.4 (b)", "LIBYA TALKS"),
        ("SUBJECT: LIBYA TALKS 1. (C) Summary: text", "LIBYA TALKS"),
        # Continuation lines are kept; a rule line ends the subject.
        ("SUBJECT: CARITAS PREPARES FOR WAR IN IRAQ;\nCRITICIZES SANCTIONS\n-------", "CARITAS PREPARES FOR WAR IN IRAQ; CRITICIZES SANCTIONS"),
        # HTML entities left in a csv row are decoded.
        ("SUBJECT: TRADE &amp; INVESTMENT", "TRADE & INVESTMENT"),
    ],
)
def test_subject(line: str, subject: str) -> None:
    text = "UNCLAS BRASILIA 000861\n\nE.O. 12958: N/A\nTAGS: ETRD, BR\n" + line + "\n\n1. Text.\n"
    found = cableparse.parse(text, format="text").body
    assert found is not None
    assert found.subject == subject


def test_eo_run_onto_a_passing_line() -> None:
    # 04BRASILIA2939 (page): the E.O. line ends the last passing line.
    text = ("UNCLAS SECTION 01 OF 04 BRASILIA 002939\n\nSIPDIS\n\nNSC FOR MIKE DEMPSEY\n"
            "DOT FOR SUSAN MCDERMOTT FAA MIAMI FOR MARK RIOS E.O. 12958: N/A \nTAGS: EAIR EINV BR\n\n1. (U) Text.\n")
    found = cableparse.parse(text, format="text").body
    assert found is not None
    assert found.executive_order is not None
    assert (found.executive_order.order, found.executive_order.declassify) == ("12958", "N/A")
    assert found.passing == ("NSC FOR MIKE DEMPSEY", "DOT FOR SUSAN MCDERMOTT FAA MIAMI FOR MARK RIOS")
    # A passing line that only names the order keeps it: no colon, no E.O. line.
    found = cableparse.parse("UNCLAS BRASILIA 002939\n\nPASS PER E.O. 12958 TO USTR\nTAGS: EAIR\n\n1. Text.\n").body
    assert found is not None and found.executive_order is None


def test_subject_continuation_without_the_margin_dash() -> None:
    # 85ISLAMABAD8251 (cables.csv): "IRAN-SOVIET\n-         TIES"; the dash marks the margin.
    text = "CONFIDENTIAL ISLAMABAD 08251\n\nSUBJECT:  PAKISTAN SEES SIGNS OF UPTURN IN IRAN-SOVIET\n-         TIES\n\n1. Text.\n"
    found = cableparse.parse(text, format="text").body
    assert found is not None
    assert found.subject == "PAKISTAN SEES SIGNS OF UPTURN IN IRAN-SOVIET TIES"


def test_subject_cut_by_a_blank_line_after_a_joining_word() -> None:
    # 04YEREVAN1411 (cables.csv): "SUBJECT: PRESIDENTIAL DECREE PUTS GOAM ON THE HUNT FOR", a
    # blank line, "REFUGEE MONEY", then paragraph 1.
    head = "UNCLAS YEREVAN 001411\n\nTAGS: PGOV, AM\nSUBJECT: PRESIDENTIAL DECREE PUTS GOAM ON THE HUNT FOR \n \n"
    found = cableparse.parse(head + "REFUGEE MONEY \n \n1. (U) Text.\n", format="text").body
    assert found is not None
    assert found.subject == "PRESIDENTIAL DECREE PUTS GOAM ON THE HUNT FOR REFUGEE MONEY"
    assert [p.number for p in found.paragraphs] == [1]
    # A whole subject keeps the heading after it (09RPODUBAI247 ends "VOW TO FIGHT ON").
    text = "UNCLAS DUBAI 000247\n\nSUBJECT: REFORMISTS VOW TO FIGHT ON\n\nBACKGROUND\n\n1. Text.\n"
    found = cableparse.parse(text, format="text").body
    assert found is not None and found.subject == "REFORMISTS VOW TO FIGHT ON"


def test_ref_run_onto_subject_line_is_read() -> None:
    text = "UNCLAS BRASILIA 000861\n\nTAGS: ETRD, BR\nSUBJECT: BRAZIL INSTALLATIONS REF: BRASILIA 861\n\n1. Text.\n"
    found = cableparse.parse(text, format="text", reference_id="04BRASILIA900").body
    assert found is not None
    assert [ref.cable_id for ref in found.refs] == ["04BRASILIA861"]


# --- Classified By inside paragraph 1 ---------------------------------------------------------


def test_classified_by_inside_paragraph_one() -> None:
    found = body("1. (C) CONFIDENTIAL - ENTIRE TEXT. CLASSIFIED BY AMBASSADOR JOHN SMITH, REASONS 1.5 (B) AND (D).\n\n2. Text.\n")
    assert found.classified_by is not None
    assert found.classified_by.reasons == ("1.5(b)", "1.5(d)")
    assert found.classified_by.name is not None and "SMITH" in found.classified_by.name


@pytest.mark.parametrize(
    ("line", "number", "portion", "text"),
    [
        # Reflowed pages run paragraph 1 onto the Classified By line after the reasons.
        ("Classified By: Deputy Political Minister Counselor Marc Knapper for rea sons 1.4 (b) and (d) (S) Embassy "
         "Tokyo delivered reftel talking points. They will consider it.", None, "S",
         "Embassy Tokyo delivered reftel talking points. They will consider it."),  # 09TOKYO1598
        ("CLASSIFIED BY: John T. Godfrey, CDA, REASON: 1.4 (b), (d) 1. (C) Summary: The U.K. is here. End Summary.",
         1, "C", "Summary: The U.K. is here. End Summary."),  # 08TRIPOLI574
    ],
)
def test_paragraph_run_onto_the_classified_by_line_is_kept(line: str, number: int | None, portion: str, text: str) -> None:
    found = cableparse.parse("SECRET TOKYO 001598\n\nE.O. 12958: DECL: 07/10/2019\nTAGS: PARM, JA\nSUBJECT: X\n\n" + line + "\n").body
    assert found is not None and found.classified_by is not None
    assert found.classified_by.reasons == ("1.4(b)", "1.4(d)")
    assert [(p.number, p.classification, p.text) for p in found.paragraphs] == [(number, portion, text)]
    # The line's own text ends with its reasons (08TRIPOLI566 ran on to the signature).
    assert found.classified_by.text.endswith(("(d)", "(D)")) and text not in found.classified_by.text
    # A heading after the reasons is no paragraph (04VATICAN3196: "( d). ------- Summary -------").
    found = cableparse.parse("CONFIDENTIAL VATICAN 003196\n\nTAGS: PREL\n\nClassified By: Charge D. Brent Hardt. Reasons 1.5 (b) "
                             "and ( d). ------- Summary -------\n1. (C) Parolin spoke.\n").body
    assert found is not None and [p.number for p in found.paragraphs] == [1]


# --- hostile repetition -----------------------------------------------------------------------


def test_repeated_front_matter_lines_are_all_kept() -> None:
    # Issue 13: repeated TAGS and REF lines were concatenated quadratically.
    lines = "".join(f"TAGS: T{i}\n" for i in range(2000))
    found = cableparse.parse("UNCLAS MEXICO 000023\n\n" + lines + "\n1. Text.\n", format="text").body
    assert found is not None
    assert len(found.tags) == 2000


def test_paragraph_number_without_a_full_stop_before_a_portion_mark() -> None:
    # 04CHENNAI1392: "1 (U) SUMMARY:" opens paragraph 1 and its summary; 10KABUL85 ends with
    # "13 (U) CODEL McCain was unable to clear this message."
    found = body("1 (U) SUMMARY: Four blasts hit the city. END SUMMARY.\n\n2. (U) Text.\n\n13 (U) Not cleared.\n")
    assert [(p.number, p.classification) for p in found.paragraphs] == [(1, "U"), (2, "U"), (13, "U")]
    assert found.summary == "Four blasts hit the city."
    # A wrapped line that starts with a number and a bracket stays text.
    found = body("1. (U) The talks ended on June\n12 (see reftel) without a deal.\n")
    assert [p.number for p in found.paragraphs] == [1]


def test_portion_mark_with_its_scope() -> None:
    # 88BAGHDAD28: "1.  (C-ENTIRE TEXT)"; 88BAGHDAD1369: "(CONFIDENTIAL-ENTIRE TEXT)".
    found = body("1.  (C-ENTIRE TEXT)\n\n2.  ON DECEMBER 29 AMBASSADOR CALLED.\n")
    assert [(p.number, p.classification) for p in found.paragraphs] == [(1, "C"), (2, None)]
    assert body("1. (CONFIDENTIAL - ENTIRE TEXT) Text.\n").paragraphs[0].classification == "CONFIDENTIAL"


def test_a_body_that_starts_on_page_two_keeps_its_first_text() -> None:
    # Found by the speed work: lark-cython's tokens are no lark.Token, so an isinstance test
    # dropped the leading page marker and the text after it (pure-Python Lark kept them).
    cable = cableparse.parse("MEXICO 00000023 002 OF 003\n\nsome text continues\n\n1. A paragraph.\n")
    assert cable.body is not None
    assert [p.text for p in cable.body.paragraphs] == ["some text continues", "A paragraph."]
    assert cable.body.page_markers == ("MEXICO 00000023 002 OF 003",)


def test_a_signed_paragraph_keeps_every_field_but_its_signature() -> None:
    # take_signers writes Paragraph's fields out rather than calling attrs.evolve: a field added
    # to Paragraph must be added there too, or a signed paragraph would lose it.
    import attrs

    from cableparse.assemble import take_signers
    from cableparse.models import Paragraph

    assert [field.name for field in attrs.fields(Paragraph)] == ["number", "classification", "text"]
    kept, signers = take_signers([Paragraph(number=4, classification="C", text="We will report.\nSCOBEY")])
    assert (kept, signers) == ([Paragraph(number=4, classification="C", text="We will report.")], ("SCOBEY",))


@given(st.text(alphabet="clasifedbyCLASIFEDBY \n\t.:", max_size=500))
def test_the_classified_by_search_is_skipped_only_where_it_finds_nothing(text: str) -> None:
    # _classified_by_in_text skips its case-blind search in ASCII text without "classified".
    from cableparse.assemble import _CLASSIFIED_IN_TEXT

    if "classified" not in text[:400].lower():
        assert _CLASSIFIED_IN_TEXT.search(text, 0, 400) is None


# --- front matter run onto the E.O. and TAGS lines ----------------------------------------------


@pytest.mark.parametrize(
    ("line", "tags", "subject"),
    [
        # 09LONDON67 (page): the TAGS were lost with the E.O. line they were run onto.
        ("E.O. 12958: N/A TAGS: EWWT AORC ELAB PHSA PHUM UK", ["EWWT", "AORC", "ELAB", "PHSA", "PHUM", "UK"], None),
        # The whole front matter of a reflowed page on one line, and a SUBJECT after the TAGS.
        ("E.O. 12958: DECL: 01/22/2020 TAGS: PGOV, PREL SUBJECT: THE VISIT", ["PGOV", "PREL"], "THE VISIT"),
        ("E.O. 12958: N/A\nTAGS: PGOV PREL SUBJECT: THE VISIT", ["PGOV", "PREL"], "THE VISIT"),
        ("E.O. 12958: N/A SUBJECT: THE VISIT", [], "THE VISIT"),
    ],
)
def test_front_matter_run_onto_the_eo_line(line: str, tags: list[str], subject: str | None) -> None:
    found = cableparse.parse(f"UNCLAS LONDON 000067\n\nSIPDIS\n\n{line}\n\n1. (U) Text.\n").body
    assert found is not None and found.executive_order is not None
    assert found.executive_order.order == "12958"
    assert [tag.code for tag in found.tags] == tags
    assert found.subject == subject
    assert found.passing == ()


@pytest.mark.parametrize("line", ["KEEGAN, JR.", "KEEGAN JR."])
def test_a_generational_suffix_belongs_to_the_signer(line: str) -> None:
    # "KEEGAN JR." gave two signers, KEEGAN and JR; "KEEGAN, JR." gave none (found by probing
    # the kind of signature cases other parsers test on).
    cable = cableparse.parse(f"UNCLAS ROME 001234\n\nSUBJECT: TEST\n\n1. Some text here ends.\n\n{line}\n")
    assert cable.body is not None and cable.body.signers == ("KEEGAN JR",)

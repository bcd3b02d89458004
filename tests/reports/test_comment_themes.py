"""Comments grouped into themes and elements (issue 15 item 7)."""

from mutu.reports.comment_themes import comment_stems, elements_of, themes


def test_forty_same_complaints_read_as_one_theme() -> None:
    """40 × "Antrean masih panjang." and 3 other comments: one theme "antre panjang"
    with 40 mentions, tied to element U3 (waktu), listed first."""
    comments = ["Antrean masih panjang."] * 40 + [
        "Petugasnya ramah sekali",
        "Petugas kurang ramah",
        "Toilet kotor",
    ]
    found = themes(comments)
    assert found[0].label == "antre panjang"
    assert found[0].mentions == 40
    assert found[0].elements == ("U3",)
    assert found[0].comments == tuple(range(40))


def test_variants_of_a_word_share_a_stem() -> None:
    """ "pelayanannya", "dilayani" and "layanan" stem to "layan"; stop words go,
    the words that judge ("kurang", "tidak") stay."""
    assert comment_stems("Pelayanannya kurang cepat") == ("layan", "kurang", "cepat")
    assert comment_stems("Saya tidak dilayani dengan baik") == (
        "tidak",
        "layan",
        "baik",
    )


def test_a_theme_needs_two_comments() -> None:
    assert themes(["Parkir sempit", "AC mati"]) == []
    assert [t.label for t in themes(["Parkir sempit", "parkiran sempit sekali"])] == [
        "parkir sempit"
    ]


def test_comment_concerning_no_element_has_none() -> None:
    assert elements_of(comment_stems("Terima kasih")) == []


def test_pair_members_are_not_counted_twice_as_single_words() -> None:
    """Three comments on "petugas ramah" make that pair a theme; "ramah" alone
    (from the same comments) is not a second theme."""
    found = themes(["petugas ramah"] * 3)
    assert [(t.label, t.mentions) for t in found] == [("tugas ramah", 3)]
    assert found[0].elements == ("U7",)


def test_result_does_not_depend_on_order() -> None:
    comments = ["Antrean panjang", "Biaya mahal", "antrean panjang", "biaya mahal"]
    assert [t.label for t in themes(comments)] == [
        t.label for t in themes(list(reversed(comments)))
    ]

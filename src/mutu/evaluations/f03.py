"""The F-03 user-assessment items (penilaian dari masyarakat), scale 0–5.

The 2023 F-03 form (REGULATIONS.md §2.4, source S29) lists these items; the rest of
the official list was not retrieved, so Mutu asks these eleven. The user index is
the mean over respondents of each respondent's mean (D6), computed by
``mutu.measures.evaluation``.
"""

F03_ITEMS: tuple[str, ...] = (
    "Persyaratan pelayanan mudah dipenuhi.",
    "Prosedur pelayanan mudah.",
    "Tarif yang dibayarkan sesuai dengan yang ditetapkan.",
    "Lama waktu pelayanan sesuai dengan yang dijanjikan.",
    "Waktu pelayanan (jam kerja tanpa jeda, layanan informasi, konsultasi, "
    "pengaduan) sesuai.",
    "Petugas responsif.",
    "Sikap petugas mencerminkan pelayanan yang berkualitas.",
    "Tempat parkir memadai.",
    "Ruang tunggu nyaman.",
    "Toilet bersih dan memadai.",
    "Sarana penunjang lainnya (ruang laktasi, tempat bermain anak …) tersedia.",
)
F03_SCALE = (0, 1, 2, 3, 4, 5)

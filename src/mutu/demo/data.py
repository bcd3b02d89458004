"""The demo world: Provinsi Lampung and Kabupaten Pesawaran, as of the July 2025 awards.

Names of unit heads are the ones published with the award (Dinas Sosial, Dukcapil,
RSUD Pesawaran) and of the Bagian Organisasi; other units carry only the title of
their head. Services and standards are realistic examples, not the units' own texts.
"""

from typing import Any

PESAWARAN_CODE = "18.09"
LAMPUNG_CODE = "18"
DEMO_PASSWORD = "mutu-demo-2025"  # noqa: S105 (public demo logins, DEBUG only)
# Public TOTP secrets (base32) of the demo users whose roles need two-factor login:
# `make demo` prints them, and `oathtool --totp -b SECRET` (or an authenticator app)
# gives the code. Public like the password: demo data only.
DEMO_TOTP_SECRETS = {
    "admin.nasional": "MUTUDEMOADMINNASIONALKEMENPANRBX",
    "evaluator": "MUTUDEMOEVALUATORTIMEVALUATORXYZ",
    "koordinator.pesawaran": "MUTUDEMOKOORDINATORPESAWARANLAMP",
}

UNITS = [
    {
        "key": "dinsos",
        "name": "Dinas Sosial Kabupaten Pesawaran",
        "short_name": "Dinas Sosial",
        "kind": "dinas",
        "head_name": "M. Zuriadi, M.H.",
        "head_title": "Kepala Dinas Sosial",
        "address": "Jl. Raya Kedondong, Binong, Gedong Tataan, Pesawaran",
    },
    {
        "key": "dukcapil",
        "name": "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Pesawaran",
        "short_name": "Dukcapil",
        "kind": "dinas",
        "head_name": "Chairuddin",
        "head_title": "Plt. Kepala Dinas Kependudukan dan Pencatatan Sipil",
        "address": "Kompleks Perkantoran Pemkab Pesawaran, Gedong Tataan",
    },
    {
        "key": "rsud",
        "name": "RSUD Pesawaran",
        "short_name": "RSUD Pesawaran",
        "kind": "rsud",
        "head_name": "dr. Dian Adhitama Lubis",
        "head_title": "Direktur RSUD Pesawaran",
        "address": "Jl. Raya Way Layap, Gedong Tataan, Pesawaran",
    },
    {
        "key": "organisasi",
        "name": "Bagian Organisasi Sekretariat Daerah Kabupaten Pesawaran",
        "short_name": "Bagian Organisasi",
        "kind": "sekretariat",
        "head_name": "Dr. Hairiwira Usman",
        "head_title": "Kepala Bagian Organisasi",
        "address": "Kantor Bupati Pesawaran, Gedong Tataan",
    },
    {
        "key": "dpmptsp",
        "name": "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu "
        "Kabupaten Pesawaran",
        "short_name": "DPMPTSP",
        "kind": "dinas",
        "head_name": "",
        "head_title": "Kepala DPMPTSP",
        "address": "Mal Pelayanan Publik Pesawaran, Gedong Tataan",
    },
    {
        "key": "pkm-gedongtataan",
        "name": "UPTD Puskesmas Gedong Tataan",
        "short_name": "Puskesmas Gedong Tataan",
        "kind": "puskesmas",
        "head_name": "",
        "head_title": "Kepala UPTD Puskesmas Gedong Tataan",
        "address": "Gedong Tataan, Pesawaran",
    },
    {
        "key": "pkm-hanura",
        "name": "UPTD Puskesmas Hanura",
        "short_name": "Puskesmas Hanura",
        "kind": "puskesmas",
        "head_name": "",
        "head_title": "Kepala UPTD Puskesmas Hanura",
        "address": "Hanura, Teluk Pandan, Pesawaran",
    },
]

COMMON_COMPONENTS = {
    "facilities": "Ruang tunggu ber-AC, kursi prioritas, toilet ramah disabilitas, "
    "ruang laktasi, nomor antrean.",
    "staff_competence": "Pelaksana memahami peraturan layanan dan telah mengikuti "
    "bimbingan teknis pelayanan prima.",
    "internal_supervision": "Pengawasan oleh atasan langsung dan Inspektorat "
    "Kabupaten Pesawaran.",
    "complaint_handling": "Pengaduan melalui kotak saran, SP4N-LAPOR!, WhatsApp "
    "layanan, dan langsung ke petugas pengaduan.",
    "service_guarantee": "Maklumat pelayanan dipajang di ruang layanan.",
    "security_guarantee": "Berkas dan data pribadi pemohon dijaga kerahasiaannya; "
    "APAR dan jalur evakuasi tersedia.",
    "staff_evaluation": "Evaluasi kinerja pelaksana setiap semester oleh kepala unit.",
}

SERVICES: dict[str, list[dict[str, str]]] = {
    "dukcapil": [
        {
            "name": "Penerbitan KTP-el",
            "legal_basis": "UU 24/2013 tentang Perubahan atas UU 23/2006 tentang "
            "Administrasi Kependudukan; Perpres 96/2018.",
            "requirements": "Berusia 17 tahun atau sudah/pernah kawin; fotokopi KK.",
            "procedure": "Ambil nomor antrean; perekaman sidik jari, iris, foto; "
            "verifikasi; pencetakan; penyerahan KTP-el.",
            "completion_time": "1 hari kerja bila blangko tersedia.",
            "fee": "Tidak dipungut biaya.",
            "product": "Kartu Tanda Penduduk elektronik (KTP-el).",
            "staff_count": "4 orang petugas perekaman, 2 petugas pencetakan.",
            "fill": "all",
        },
        {
            "name": "Penerbitan Kartu Keluarga",
            "legal_basis": "UU 24/2013; Permendagri 108/2019.",
            "requirements": "Formulir F-1.01; KK lama; buku nikah/akta perkawinan.",
            "procedure": "Pengisian formulir; verifikasi berkas; penerbitan KK.",
            "completion_time": "1 hari kerja.",
            "fee": "Tidak dipungut biaya.",
            "product": "Kartu Keluarga (KK) dengan tanda tangan elektronik.",
            "staff_count": "3 orang.",
            "fill": "all",
        },
        {
            "name": "Penerbitan Akta Kelahiran",
            "legal_basis": "UU 24/2013; Perpres 96/2018.",
            "requirements": "Surat keterangan lahir; KK; KTP-el orang tua.",
            "procedure": "Pengajuan; verifikasi; pencatatan; penerbitan kutipan akta.",
            "completion_time": "1 hari kerja.",
            "fee": "Tidak dipungut biaya.",
            "product": "Kutipan Akta Kelahiran.",
            "staff_count": "2 orang.",
            "fill": "all",
        },
    ],
    "dinsos": [
        {
            "name": "Rekomendasi Kepesertaan PBI Jaminan Kesehatan",
            "legal_basis": "UU 13/2011 tentang Penanganan Fakir Miskin; "
            "Permensos 3/2021.",
            "requirements": "KTP-el; KK; surat keterangan tidak mampu dari desa.",
            "procedure": "Pengajuan berkas; verifikasi DTKS; penerbitan rekomendasi.",
            "completion_time": "3 hari kerja.",
            "fee": "Tidak dipungut biaya.",
            "product": "Surat rekomendasi kepesertaan PBI-JK.",
            "staff_count": "3 orang.",
            "fill": "all",
        },
        {
            "name": "Pendaftaran dan Pemutakhiran DTKS",
            "legal_basis": "Permensos 3/2021 tentang Pengelolaan DTKS.",
            "requirements": "KTP-el; KK.",
            "procedure": "Usulan melalui desa/kelurahan; verifikasi; pengesahan.",
            "completion_time": "Mengikuti jadwal pemutakhiran bulanan.",
            "fee": "Tidak dipungut biaya.",
            "product": "Data keluarga tercatat di DTKS.",
            "staff_count": "2 orang.",
            "fill": "all",
        },
    ],
    "rsud": [
        {
            "name": "Pelayanan Rawat Jalan",
            "legal_basis": "UU 17/2023 tentang Kesehatan.",
            "requirements": "KTP-el/KK; kartu BPJS Kesehatan dan rujukan bila peserta.",
            "procedure": "Pendaftaran; pemeriksaan di poliklinik; farmasi; kasir.",
            "completion_time": "Paling lama 60 menit sejak pendaftaran hingga "
            "diperiksa.",
            "fee": "Sesuai Peraturan Bupati tentang tarif BLUD; peserta BPJS tidak "
            "dipungut biaya.",
            "product": "Pemeriksaan, diagnosis, resep, dan rujukan bila perlu.",
            "staff_count": "12 dokter spesialis, 40 perawat.",
            "fill": "all",
        },
        {
            "name": "Pelayanan Gawat Darurat",
            "legal_basis": "UU 17/2023 tentang Kesehatan.",
            "requirements": "Tanpa syarat pada saat gawat darurat.",
            "procedure": "Triase; penanganan; observasi; rawat inap atau pulang.",
            "completion_time": "Ditangani paling lama 5 menit setelah tiba.",
            "fee": "Sesuai tarif BLUD; peserta BPJS tidak dipungut biaya.",
            "product": "Penanganan kegawatdaruratan medis.",
            "staff_count": "24 jam, 3 regu jaga.",
            "fill": "all",
        },
    ],
    "dpmptsp": [
        {
            "name": "Perizinan Berusaha Berbasis Risiko (OSS RBA)",
            "legal_basis": "PP 28/2025 tentang Penyelenggaraan Perizinan Berusaha "
            "Berbasis Risiko.",
            "requirements": "NIK; NPWP; data usaha.",
            "procedure": "Pendampingan akun OSS; pengisian data; terbit NIB.",
            "completion_time": "Sesuai tingkat risiko usaha.",
            "fee": "Tidak dipungut biaya.",
            "product": "Nomor Induk Berusaha (NIB) dan izin sesuai risiko.",
            "fill": "partial",
        },
    ],
    "pkm-gedongtataan": [
        {
            "name": "Pelayanan Poli Umum",
            "legal_basis": "Permenkes 19/2024 tentang Penyelenggaraan Pusat Kesehatan "
            "Masyarakat.",
            "requirements": "KTP-el/KK; kartu BPJS Kesehatan bila peserta.",
            "procedure": "Pendaftaran; pemeriksaan; obat; pulang.",
            "completion_time": "Paling lama 45 menit.",
            "fee": "Sesuai Peraturan Daerah tentang retribusi; peserta BPJS gratis.",
            "product": "Pemeriksaan dan pengobatan dasar.",
            "fill": "all",
        },
    ],
    "pkm-hanura": [
        {
            "name": "Pelayanan Kesehatan Ibu dan Anak",
            "requirements": "Buku KIA; KTP-el/KK.",
            "procedure": "Pendaftaran; pemeriksaan kehamilan/imunisasi; konseling.",
            "fill": "partial",
        },
    ],
    "organisasi": [],
}

MPP_NAME = "Mal Pelayanan Publik Kabupaten Pesawaran"
MPP_ADDRESS = "Jl. Ahmad Yani, Gedong Tataan, Pesawaran"
MPP_OPERATOR = "dpmptsp"
MPP_COUNTERS = [
    ("dukcapil", "Loket Dukcapil MPP", "mpp-dukcapil"),
    ("dinsos", "Loket Dinas Sosial MPP", "mpp-dinsos"),
    ("dpmptsp", "Loket Perizinan MPP", "mpp-izin"),
    ("rsud", "Loket Informasi RSUD MPP", "mpp-rsud"),
]

OWN_POINTS = [
    ("dukcapil", "Loket Pelayanan Kantor Dukcapil", "dukcapil-1"),
    ("rsud", "Pendaftaran Rawat Jalan", "rsud-rj"),
    ("rsud", "IGD", "rsud-igd"),
    ("pkm-gedongtataan", "Loket Pendaftaran", "pkm-gt"),
    ("pkm-hanura", "Loket Pendaftaran", "pkm-hanura"),
]

USERS: list[dict[str, Any]] = [
    {
        "username": "admin.nasional",
        "first_name": "Admin",
        "last_name": "KemenPANRB",
        "role": "national_admin",
        "scope": None,
        "staff": True,
    },
    {
        "username": "evaluator",
        "first_name": "Tim",
        "last_name": "Evaluator",
        "role": "evaluator",
        "scope": None,
    },
    {
        "username": "koordinator.pesawaran",
        "first_name": "Hairiwira",
        "last_name": "Usman",
        "role": "coordinator",
        "scope": "government",
    },
    {
        "username": "kepala.dukcapil",
        "first_name": "Chairuddin",
        "last_name": "",
        "role": "unit_head",
        "scope": "dukcapil",
    },
    *(
        {
            "username": f"operator.{key}",
            "first_name": "Operator",
            "last_name": name,
            "role": "unit_operator",
            "scope": key,
        }
        for key, name in (
            ("dinsos", "Dinas Sosial"),
            ("rsud", "RSUD"),
            ("dpmptsp", "DPMPTSP"),
            ("pkm-gedongtataan", "Puskesmas Gedong Tataan"),
            ("pkm-hanura", "Puskesmas Hanura"),
        )
    ),
    {
        "username": "operator.dukcapil",
        "first_name": "Operator",
        "last_name": "Dukcapil",
        "role": "unit_operator",
        "scope": "dukcapil",
    },
]

UNITS_WITH_OPERATORS = (
    "dinsos",
    "dukcapil",
    "rsud",
    "dpmptsp",
    "pkm-gedongtataan",
    "pkm-hanura",
)

"""PostgreSQL's uuid-ossp extension, for ``uuid_generate_v5``: the set-based paper
import computes each row's UUID5 client id in SQL (issue 14 item 2). A trusted
extension since PostgreSQL 13 (the database owner may create it); nothing on
SQLite. Without it the import checks and stores row by row, as before."""

from django.contrib.postgres.operations import CreateExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("surveys", "0007_verbose_names")]

    operations = [CreateExtension("uuid-ossp")]

from django.db import migrations

# The catalogue's first wording, and what replaces it. A text staff have edited in the admin is left alone.
CHANGES = {
    "izin-cuti": (
        "PNS dan CPNS (tujuh jenis cuti) serta PPPK (cuti tahunan, sakit dan melahirkan)",
        # PP 11/2017 Pasal 310 names seven kinds of leave, but cuti bersama is set by the government and never
        # applied for: the page lists the six one applies for, and said "tujuh".
        "PNS dan CPNS (enam jenis cuti) serta PPPK (cuti tahunan, sakit dan melahirkan)",
    ),
    "legalisasi-sk": (
        "ASN dan pensiunan ASN Pemerintah Kota Medan",
        # Online applications are for serving ASN only (Service.asn_only): say where a retiree goes instead.
        "ASN Pemerintah Kota Medan, secara daring; pensiunan ASN mengajukan di loket BKPSDM dengan membawa SK asli",
    ),
}


def reword(apps, schema_editor):
    Service = apps.get_model("requests_app", "Service")
    for slug, (old, new) in CHANGES.items():
        Service.objects.filter(slug=slug, eligibility=old).update(eligibility=new)


def restore(apps, schema_editor):
    Service = apps.get_model("requests_app", "Service")
    for slug, (old, new) in CHANGES.items():
        Service.objects.filter(slug=slug, eligibility=new).update(eligibility=old)


class Migration(migrations.Migration):

    dependencies = [
        ("requests_app", "0006_letter_on_behalf_of"),
    ]

    operations = [migrations.RunPython(reword, restore)]

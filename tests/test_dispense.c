/*
 * test_dispense: an issued ticket (as the client parsed it) becomes the
 * slip view the touchscreen and `kiosk ticket` both render: translations,
 * date, wait rounding, DUPLICATA, attestation fields, refusal without a
 * token; then the view really lays out at both widths. The print-and-report
 * step runs end to end in tests/it_print.sh.
 */
#include <stdio.h>
#include <string.h>

#include "cmd/dispense.h"
#include "core/i18n.h"
#include "testhelp.h"

static void
sample(struct client_ticket *t, const char *lang)
{
	memset(t, 0, sizeof *t);
	t->id = 42;
	snprintf(t->number, sizeof t->number, "A042");
	snprintf(t->service, sizeof t->service, "A");
	snprintf(t->kind, sizeof t->kind, "ticket");
	snprintf(t->lang, sizeof t->lang, "%s", lang);
	snprintf(t->issued_at, sizeof t->issued_at, "2026-11-27T09:14:05+01:00");
	t->position = 7;
	t->estimated_wait_s = 841;  /* 14 min 1 s: shown as 15 min, never less */
	snprintf(t->token, sizeof t->token, "K1*T*PREFECTURE-93*20261127*A*42*0914*KIOSK-1*42*0*X");
	snprintf(t->site_name, sizeof t->site_name, "Préfecture");
	snprintf(t->service_fr, sizeof t->service_fr, "Premier titre de séjour");
}

int
main(void)
{
	struct dispense_slip s;
	struct client_ticket t;
	char err[256];
	const struct ticket_view *v = &s.view;

	if (i18n_load("assets/po", err, sizeof err) != 0) {
		fprintf(stderr, "test_dispense: %s (run from the source tree)\n", err);
		return 1;
	}

	/* French: no second language. */
	sample(&t, "fr");
	CHECK_INT(dispense_fill(&s, &t, "fallback", err, sizeof err), 0);
	CHECK_INT(v->kind, TICKET_KIND_TICKET);
	CHECK_STR(v->number, "A042");
	CHECK_STR(v->site_name, "Préfecture");
	CHECK_STR(v->datetime, "27/11/2026 09:14");
	CHECK_INT(v->position, 7);
	CHECK_INT(v->wait_min, 15);
	CHECK_STR(v->qr_payload, t.token);
	CHECK_INT(v->reprint, 0);
	CHECK(v->holder_ref == NULL);
	CHECK_STR(v->labels.minutes.fr, "{n} min");
	CHECK_STR(v->free_notice.fr, "Ce ticket est gratuit. Ne le payez jamais.");
	CHECK_STR(v->labels.duplicate.fr, "DUPLICATA");

	/* Chinese: translated labels, the service's name from the catalogue. */
	sample(&t, "zh");
	CHECK_INT(dispense_fill(&s, &t, NULL, err, sizeof err), 0);
	CHECK_STR(v->lang, "zh");
	CHECK_STR(v->labels.minutes.local, "{n} 分钟");
	CHECK(strcmp(v->service.local, v->service.fr) != 0);
	CHECK(strcmp(v->free_notice.local, v->free_notice.fr) != 0);
	CHECK_STR(v->labels.number.local, i18n_tr("zh", "Numéro"));

	/* The site file's own name for the language wins over the catalogue. */
	sample(&t, "ar");
	snprintf(t.service_local, sizeof t.service_local, "خدمة");
	t.reprints = 2;
	t.position = -1;
	t.estimated_wait_s = -1;
	snprintf(t.holder_ref, sizeof t.holder_ref, "•••4B7");
	t.site_name[0] = '\0';
	CHECK_INT(dispense_fill(&s, &t, "Site", err, sizeof err), 0);
	CHECK_STR(v->service.local, "خدمة");
	CHECK_STR(v->site_name, "Site");
	CHECK_INT(v->reprint, 2);
	CHECK_INT(v->position, -1);
	CHECK_INT(v->wait_min, -1);
	CHECK_STR(v->holder_ref, "•••4B7");
	CHECK(strstr(v->labels.minutes.local, "{n}") != NULL);
	CHECK(strchr(v->labels.minutes.local, '%') == NULL);

	/* A date the client did not understand is printed as it came. */
	sample(&t, "fr");
	snprintf(t.issued_at, sizeof t.issued_at, "tomorrow");
	CHECK_INT(dispense_fill(&s, &t, NULL, err, sizeof err), 0);
	CHECK_STR(v->datetime, "tomorrow");

	/* No token: no slip (a slip without its QR must never print). */
	sample(&t, "fr");
	t.token[0] = '\0';
	CHECK_INT(dispense_fill(&s, &t, NULL, err, sizeof err), -1);
	CHECK(strstr(err, "token") != NULL);

	/* Attestation de passage. */
	sample(&t, "uk");
	snprintf(t.kind, sizeof t.kind, "attestation");
	t.number[0] = '\0';
	snprintf(t.serial, sizeof t.serial, "AT-2026-11-27-000007");
	snprintf(t.outcome, sizeof t.outcome, "full");
	t.attempt = 3;
	snprintf(t.first_date, sizeof t.first_date, "20261113");
	t.weeks = 2;
	CHECK_INT(dispense_fill(&s, &t, NULL, err, sizeof err), 0);
	CHECK_INT(v->kind, TICKET_KIND_ATTESTATION);
	CHECK(v->number == NULL);
	CHECK_STR(v->att.serial, "AT-2026-11-27-000007");
	CHECK_STR(v->att.title.fr, "Attestation de passage");
	CHECK_STR(v->att.outcome.fr, "Capacité du jour atteinte");
	CHECK(v->att.attempts.fr != NULL && strstr(v->att.attempts.fr, "13/11/2026") != NULL);
	CHECK(v->att.attempts.local != NULL && strstr(v->att.attempts.local, "13/11/2026") != NULL);
	CHECK(v->att.attempts.fr != NULL && strstr(v->att.attempts.fr, "n° 3") != NULL);
	CHECK(strstr(v->att.statement.fr, "récépissé") != NULL);
	t.attempt = 1;
	CHECK_INT(dispense_fill(&s, &t, NULL, err, sizeof err), 0);
	CHECK(v->att.attempts.fr == NULL);

	/* Not an appointment's: no appointment line. */
	CHECK(v->appointment.fr == NULL);

	/* An appointment's ticket (#12): its time, in French and Arabic. */
	sample(&t, "ar");
	snprintf(t.kind, sizeof t.kind, "appointment");
	snprintf(t.appt_id, sizeof t.appt_id, "ext-1");
	snprintf(t.appt_start, sizeof t.appt_start, "2026-12-04T10:30:00+01:00");
	CHECK_INT(dispense_fill(&s, &t, NULL, err, sizeof err), 0);
	CHECK_INT(v->kind, TICKET_KIND_TICKET);
	CHECK_STR(v->appointment.fr, "Rendez-vous à 10:30");
	CHECK(v->appointment.local != NULL && strstr(v->appointment.local, "10:30") != NULL);
	CHECK(v->appointment.local != NULL && strcmp(v->appointment.local, v->appointment.fr) != 0);
	/* a walk-in ticket after the window: no appointment on it */
	snprintf(t.kind, sizeof t.kind, "walkin");
	t.late = 1;
	CHECK_INT(dispense_fill(&s, &t, NULL, err, sizeof err), 0);
	CHECK(v->appointment.fr == NULL);
	/* an attestation for a missed appointment names it */
	snprintf(t.kind, sizeof t.kind, "attestation");
	snprintf(t.outcome, sizeof t.outcome, "late");
	snprintf(t.appt_start, sizeof t.appt_start, "2026-12-04T09:05:00+01:00");
	CHECK_INT(dispense_fill(&s, &t, NULL, err, sizeof err), 0);
	CHECK_INT(v->kind, TICKET_KIND_ATTESTATION);
	CHECK_STR(v->att.outcome.fr, "Arrivée après l'heure du rendez-vous");
	CHECK(strcmp(v->att.outcome.local, v->att.outcome.fr) != 0);
	CHECK_STR(v->appointment.fr, "Rendez-vous à 09:05");
	/* a start the client did not understand: no line rather than a wrong time */
	snprintf(t.appt_start, sizeof t.appt_start, "soon");
	CHECK_INT(dispense_fill(&s, &t, NULL, err, sizeof err), 0);
	CHECK(v->appointment.fr == NULL);

	/* A convocation (#13): the attestation's layout under its own title, today
	 * full as the outcome, its day written out in
	 * French and as dd/mm/yyyy in Arabic, the window and the code. */
	sample(&t, "ar");
	snprintf(t.kind, sizeof t.kind, "attestation");
	t.number[0] = '\0';
	snprintf(t.serial, sizeof t.serial, "AT-2026-12-04-000008");
	snprintf(t.outcome, sizeof t.outcome, "convocation");
	t.attempt = 1;
	t.conv_id = 12;
	snprintf(t.conv_date, sizeof t.conv_date, "2026-12-07");
	snprintf(t.conv_from, sizeof t.conv_from, "09:00");
	snprintf(t.conv_to, sizeof t.conv_to, "10:00");
	snprintf(t.conv_code, sizeof t.conv_code, "K7P3QXRA");
	CHECK_INT(dispense_fill(&s, &t, NULL, err, sizeof err), 0);
	CHECK_INT(v->kind, TICKET_KIND_ATTESTATION);
	CHECK_STR(v->att.title.fr, "Convocation pour un autre jour");
	CHECK_STR(v->att.outcome.fr, "Capacité du jour atteinte");
	CHECK(strcmp(v->att.outcome.local, v->att.outcome.fr) != 0);
	CHECK_STR(v->appointment.fr, "Revenez le lundi 7 décembre 2026, entre 09:00 et 10:00. "
	    "Code : K7P3QXRA");
	CHECK(v->appointment.local != NULL && strstr(v->appointment.local, "07/12/2026") != NULL &&
	    strstr(v->appointment.local, "K7P3QXRA") != NULL);
	CHECK_STR(v->labels.keep.fr, "Gardez cette convocation : présentez-la à la borne ce jour-là.");
	/* The first of the month, and another weekday. */
	snprintf(t.conv_date, sizeof t.conv_date, "2027-03-01");
	CHECK_INT(dispense_fill(&s, &t, NULL, err, sizeof err), 0);
	CHECK(strstr(v->appointment.fr, "lundi 1er mars 2027") != NULL);
	snprintf(t.conv_date, sizeof t.conv_date, "2026-12-31");
	CHECK_INT(dispense_fill(&s, &t, NULL, err, sizeof err), 0);
	CHECK(strstr(v->appointment.fr, "jeudi 31 décembre 2026") != NULL);
	/* French only: no second line. */
	snprintf(t.lang, sizeof t.lang, "fr");
	CHECK_INT(dispense_fill(&s, &t, NULL, err, sizeof err), 0);
	CHECK(v->appointment.local == NULL || v->appointment.local[0] == '\0' ||
	    !strcmp(v->appointment.local, v->appointment.fr));

	/* An enrolment in a draw: its own slip, nothing reported. */
	memset(&t, 0, sizeof t);
	snprintf(t.kind, sizeof t.kind, "draw_entry");
	snprintf(t.lang, sizeof t.lang, "ar");
	snprintf(t.service, sizeof t.service, "A");
	snprintf(t.service_fr, sizeof t.service_fr, "Premier titre de séjour");
	snprintf(t.issued_at, sizeof t.issued_at, "2026-12-04T08:01:00+01:00");
	t.draw_id = 3;
	snprintf(t.draw_entry, sizeof t.draw_entry, "0A1B2C3D4E5F60718293");
	snprintf(t.draw_closes, sizeof t.draw_closes, "08:45");
	snprintf(t.draw_commitment, sizeof t.draw_commitment,
	    "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd");
	snprintf(t.token, sizeof t.token, "D1*P*3*0A1B2C3D4E5F60718293*AB");
	t.position = t.estimated_wait_s = -1;
	CHECK_INT(dispense_fill(&s, &t, NULL, err, sizeof err), 0);
	CHECK_INT(v->kind, TICKET_KIND_DRAW_ENTRY);
	CHECK(v->number == NULL);
	CHECK_STR(v->draw.title.fr, "Inscription au tirage au sort");
	CHECK_STR(v->draw.title.local, "تسجيل في القرعة");
	CHECK_STR(v->draw.entry, "0A1B 2C3D 4E5F 6071 8293");
	CHECK_STR(v->draw.when.fr, "Tirage au sort à 08:45");
	CHECK_STR(v->draw.when.local, "القرعة في الساعة 08:45");
	CHECK_STR(v->draw.back.fr, "Revenez après 08:45 et scannez ce bon à la borne.");
	CHECK_STR(v->draw.commitment, "630dcd29 66c43366 91125448 bbb25b4f f412a49c 732db2c8 "
	    "abc1b858 1bd710dd");
	CHECK_STR(v->free_notice.fr, "Ce bon est gratuit. Ne le payez jamais.");
	CHECK_STR(v->qr_payload, t.token);
	CHECK_STR(v->datetime, "04/12/2026 08:01");
	{
		struct print_result pr = { .outcome = PRINT_CONFIRMED };
		CHECK_INT(dispense_report(NULL, &t, &pr, err, sizeof err), CLIENT_OK);
	}
	/* a manager's draw: no set time */
	t.draw_closes[0] = '\0';
	CHECK_INT(dispense_fill(&s, &t, NULL, err, sizeof err), 0);
	CHECK_STR(v->draw.when.fr, "Tirage au sort à la clôture des inscriptions");
	CHECK_STR(v->draw.back.fr, "Revenez après le tirage au sort et scannez ce bon à la borne.");
	t.token[0] = '\0';
	CHECK_INT(dispense_fill(&s, &t, NULL, err, sizeof err), -1);
	CHECK(strstr(err, "0A1B2C3D4E5F60718293") != NULL);

	CHECK_STR(dispense_status_word(PRINT_CONFIRMED), "confirmed");
	CHECK_STR(dispense_status_word(PRINT_UNCONFIRMED), "unconfirmed");
	CHECK_STR(dispense_status_word(PRINT_FAILED), "failed");

	/* The filled views lay out at both widths (fonts from Debian). */
	{
		struct fonts *f = fonts_open(NULL, err, sizeof err);
		const char *langs[] = { "fr", "ar", "fa-AF", "ta", "zh", "uk" };
		size_t i;

		REQUIRE(f != NULL);
		for (i = 0; i < sizeof langs / sizeof langs[0]; i++) {
			struct bitmap *b58, *b80;
			sample(&t, langs[i]);
			t.reprints = (int)(i % 2);
			CHECK_INT(dispense_fill(&s, &t, NULL, err, sizeof err), 0);
			b58 = ticket_render(v, 384, 203, f, err, sizeof err);
			b80 = ticket_render(v, 576, 203, f, err, sizeof err);
			CHECK(b58 != NULL && b58->w == 384 && b58->h > 400);
			CHECK(b80 != NULL && b80->w == 576 && b80->h > 400);
			bitmap_free(b58);
			bitmap_free(b80);
		}
		/* A convocation's slip lays out too, in Arabic. */
		sample(&t, "ar");
		snprintf(t.kind, sizeof t.kind, "attestation");
		t.number[0] = '\0';
		snprintf(t.serial, sizeof t.serial, "AT-2026-12-04-000008");
		snprintf(t.outcome, sizeof t.outcome, "convocation");
		t.conv_id = 12;
		snprintf(t.conv_date, sizeof t.conv_date, "2026-12-07");
		snprintf(t.conv_from, sizeof t.conv_from, "09:00");
		snprintf(t.conv_to, sizeof t.conv_to, "10:00");
		snprintf(t.conv_code, sizeof t.conv_code, "K7P3QXRA");
		CHECK_INT(dispense_fill(&s, &t, NULL, err, sizeof err), 0);
		{
			struct bitmap *b = ticket_render(v, 384, 203, f, err, sizeof err);
			CHECK(b != NULL && b->w == 384 && b->h > 400);
			bitmap_free(b);
		}
		/* An enrolment slip lays out at both widths, in French and Arabic. */
		for (i = 0; i < 2; i++) {
			struct bitmap *b58, *b80;
			memset(&t, 0, sizeof t);
			snprintf(t.kind, sizeof t.kind, "draw_entry");
			snprintf(t.lang, sizeof t.lang, "%s", i ? "ar" : "fr");
			snprintf(t.service_fr, sizeof t.service_fr, "Premier titre de séjour");
			snprintf(t.draw_entry, sizeof t.draw_entry, "0A1B2C3D4E5F60718293");
			snprintf(t.draw_closes, sizeof t.draw_closes, "08:45");
			snprintf(t.draw_commitment, sizeof t.draw_commitment, "630dcd29");
			snprintf(t.token, sizeof t.token, "D1*P*3*0A1B2C3D4E5F60718293*AB");
			CHECK_INT(dispense_fill(&s, &t, NULL, err, sizeof err), 0);
			b58 = ticket_render(v, 384, 203, f, err, sizeof err);
			b80 = ticket_render(v, 576, 203, f, err, sizeof err);
			CHECK(b58 != NULL && b58->w == 384 && b58->h > 600);
			CHECK(b80 != NULL && b80->w == 576 && b80->h > 600);
			bitmap_free(b58);
			bitmap_free(b80);
		}
		fonts_free(f);
	}
	i18n_free();
	return TEST_REPORT();
}

/*
 * touch_worker: see touch_worker.h. One thread, woken by a condition
 * variable on the monotonic clock (core/clock.h): it prints a slip waiting to print first (a
 * new visitor's ticket never overtakes the last one's paper), then issues,
 * then polls when asked or when the poll period has passed. Network and
 * printer calls happen with the mutex released; their results go to slots
 * the UI thread empties in worker_deliver.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "client/client.h"
#include "cmd/dispense.h"
#include "cmd/serve.h"
#include "cmd/touch_worker.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/ticket.h"
#include "printer/printer.h"
#include "ui/ui.h"

/* What a wake says is waiting (informative: worker_deliver takes all). */
enum { EV_MENU = 1, EV_PRINTER, EV_ISSUED, EV_PRINTED, EV_REPRINT };

/* What a print job is. */
enum job_kind {
	JOB_SLIP,     /* a visitor's ticket or attestation: reported, answered by ui_printed */
	JOB_REPRINT,  /* a duplicate asked for on the admin screen: reported, ui_admin_done */
	JOB_TEST,     /* a test page: not reported (no slip), ui_admin_done */
};

struct worker {
	pthread_t th;               /* the thread */
	pthread_mutex_t mu;         /* guards everything below */
	pthread_cond_t cv;          /* wakes the thread (clock_cond_init) */
	int stop;                   /* 1: leave the loop */
	int refresh;                /* 1: poll now */
	int has_job;                /* 1: `job` is an issue to do */
	struct ui_action job;       /* the issue asked for */
	int has_print;              /* 1: print `print_t` */
	struct client_ticket print_t; /* the slip to print and report */
	struct bitmap *print_b;     /* its bitmap (owned here), NULL if it could not be laid out */
	char print_err[256];        /* why it could not be laid out */
	enum job_kind print_kind;   /* what it is */
	int has_reprint;            /* 1: ask the server for a duplicate of reprint_id */
	int64_t reprint_id;         /* the ticket */
	/* set up by worker_start before the thread starts; read-only after */
	struct worker_config cfg;   /* server, printer, poll periods, wake */
	int dots, dpi;              /* the printer profile's width and dpi, copied
	                             * for the UI thread, which lays the slip out */
	char spec[160];             /* the printer's SPEC and profile name, copied */
	char profile[16];           /* for the test page */
	/* results, emptied by the UI thread */
	int menu_ready;             /* a poll finished */
	enum client_rc menu_rc;     /* its outcome */
	struct client_menu *menu;   /* the menu (CLIENT_OK), handed over to the ui */
	char menu_err[256];         /* why not */
	int pst_ready;              /* a printer status arrived */
	enum escpos_state pst;      /* the state */
	char pst_reason[192];       /* its sentence */
	int issued_ready;           /* an issue finished */
	enum client_rc issue_rc;    /* its outcome */
	int issue_slip;             /* 1: `ticket` holds a slip (ticket or attestation) */
	struct client_ticket ticket;/* the slip */
	char issue_err[256];        /* why not */
	char issue_code[32];        /* the server's code ("bad_holder"...) */
	char issue_when[40];        /* a refused check-in's come_back_at or day, "" */
	int issue_checkin;          /* 1: it was an appointment's check-in */
	int reprint_ready;          /* a reprint request finished */
	enum client_rc reprint_rc;  /* its outcome */
	struct client_ticket reprint_t; /* the duplicate (CLIENT_OK) */
	char reprint_code[32];      /* the server's code on a refusal */
	int printed_ready;          /* the print finished */
	enum job_kind printed_kind; /* what it was */
	char printed_number[16];    /* JOB_REPRINT: the ticket's number */
	int printed_reprints;       /* JOB_REPRINT: its duplicate count */
	int printed_ok;             /* 1: printed */
	enum escpos_state printed_st; /* printer state after it */
	char printed_reason[192];   /* the printer's sentence */
	long paper_slips;           /* slips that left the printer since the start */
	long paper_dots;            /* their length, in dots (at the profile's dpi) */
	int paper_ready;            /* the counter changed */
	int zone_warned;            /* UI thread only: said once that the site's zone is missing */
};

/* Tell the UI thread a result waits in its slot. */
static void
post(struct worker *w, int code)
{
	w->cfg.wake(w->cfg.wake_arg, code);
}

static void
do_poll(struct worker *w, int *bad)
{
	struct client_menu *m = NULL;
	char err[256] = "", reason[192] = "";
	enum client_rc rc = client_services(w->cfg.client, &m, err, sizeof err);
	enum escpos_state st;

	pthread_mutex_lock(&w->mu);
	client_menu_free(w->menu);
	w->menu = m;
	w->menu_rc = rc;
	snprintf(w->menu_err, sizeof w->menu_err, "%s", err);
	w->menu_ready = 1;
	pthread_mutex_unlock(&w->mu);
	post(w, EV_MENU);
	*bad = rc != CLIENT_OK;

	st = printer_status(w->cfg.printer, reason, sizeof reason);
	pthread_mutex_lock(&w->mu);
	w->pst = st;
	snprintf(w->pst_reason, sizeof w->pst_reason, "%s", reason);
	w->pst_ready = 1;
	pthread_mutex_unlock(&w->mu);
	post(w, EV_PRINTER);
	if (st == ESCPOS_PAPER_OUT || st == ESCPOS_COVER_OPEN || st == ESCPOS_OFFLINE ||
	    st == ESCPOS_ERROR)
		*bad = 1;
}

/*
 * Ask for a ticket, check an appointment in (its slip is a ticket, or an
 * attestation, the same way), or enrol in a draw (the enrolment slip). The slip is laid out by the UI thread, with
 * the fonts it already has (the screen shows the very bitmap that is
 * printed, so one layout serves both), and comes back as a print job.
 */
static void
do_issue(struct worker *w, struct ui_action *job)
{
	struct client_request rq;
	struct client_checkin ci;
	struct client_enrol en;
	struct client_ticket *t = calloc(1, sizeof *t);
	char err[256] = "";
	enum client_rc rc;
	int att, checkin = job->kind == UI_ACT_CHECKIN, redeem = job->kind == UI_ACT_REDEEM;
	int enrol = job->kind == UI_ACT_ENROL;

	memset(&rq, 0, sizeof rq);
	rq.service = job->service;
	rq.lang = job->lang;
	rq.priority = job->priority;
	rq.holder = job->holder[0] ? job->holder : NULL;
	rq.previous = job->previous[0] ? job->previous : NULL; /* an earlier attestation, scanned */
	ci.code = job->code;
	ci.lang = job->lang;
	ci.holder = rq.holder;
	/* a convocation's slip, scanned: its token instead of a code */
	ci.token = checkin && !job->code[0] && job->previous[0] ? job->previous : NULL;
	en.draw = job->draw;
	en.lang = job->lang;
	en.priority = job->priority;
	en.holder = rq.holder;
	if (t == NULL) {
		rc = CLIENT_PROTOCOL;
		snprintf(err, sizeof err, "out of memory");
	} else if (redeem) {
		rc = client_draw_redeem(w->cfg.client, job->draw, job->entry, t, err, sizeof err);
	} else if (checkin) {
		rc = client_checkin(w->cfg.client, &ci, t, err, sizeof err);
	} else if (enrol) {
		rc = client_enrol(w->cfg.client, &en, t, err, sizeof err);
	} else {
		rc = client_issue_with(w->cfg.client, &rq, t, err, sizeof err);
	}
	sodium_memzero(job->holder, sizeof job->holder);
	sodium_memzero(job->previous, sizeof job->previous);
	att = t && rc == CLIENT_FULL && !strcmp(t->kind, "attestation");
	if (rc != CLIENT_OK && !att && redeem)
		log_info("touch: enrolment slip of draw %lld not redeemed: %s %s (%s)", (long long)job->draw,
		    client_rc_str(rc), client_last_code(w->cfg.client), err);
	else if (rc != CLIENT_OK && !att && checkin)
		log_info("touch: no check-in: %s %s (%s)", client_rc_str(rc),
		    client_last_code(w->cfg.client), err);
	else if (rc != CLIENT_OK && !att && enrol)
		log_info("touch: no enrolment in draw %lld (service %s): %s %s (%s)",
		    (long long)job->draw, job->service, client_rc_str(rc),
		    client_last_code(w->cfg.client), err);
	else if (rc != CLIENT_OK && !att)
		log_info("touch: no ticket for service %s: %s (%s)", job->service, client_rc_str(rc), err);
	else if (enrol)
		log_info("touch: enrolled%s: draw %lld entry %s (service %s, %s)",
		    t->duplicate ? " already" : "", (long long)t->draw_id, t->draw_entry,
		    job->service, job->lang);
	else
		log_info("touch: %s %s %s (service %s, %s)", redeem ? "draw redeemed:" :
		    checkin ? "checked in:" : "issued",
		    att ? "attestation" : "ticket", att ? t->serial : t->number,
		    t->service[0] ? t->service : job->service, job->lang);
	pthread_mutex_lock(&w->mu);
	w->issue_rc = rc;
	w->issue_slip = rc == CLIENT_OK || att;
	if (t)
		w->ticket = *t;
	snprintf(w->issue_err, sizeof w->issue_err, "%s", err);
	/* No answer: the key stands in for the code, for the visitor to show. */
	snprintf(w->issue_code, sizeof w->issue_code, "%s", rc == CLIENT_UNCERTAIN ?
	    client_last_key(w->cfg.client) : client_last_code(w->cfg.client));
	snprintf(w->issue_when, sizeof w->issue_when, "%s", client_last_when(w->cfg.client));
	w->issue_checkin = checkin || redeem; /* refusals: ui_checkin_failed */
	w->issued_ready = 1;
	pthread_mutex_unlock(&w->mu);
	post(w, EV_ISSUED);
	if (t) {
		sodium_memzero(t, sizeof *t);
		free(t);
	}
}

/* Ask the server for a duplicate; the UI thread lays it out and hands it
 * back to print. */
static void
do_reprint(struct worker *w, int64_t id)
{
	struct client_ticket *t = calloc(1, sizeof *t);
	char err[256] = "out of memory";
	enum client_rc rc = CLIENT_PROTOCOL;

	if (t)
		rc = client_reprint(w->cfg.client, id, t, err, sizeof err);
	if (rc == CLIENT_OK)
		log_info("touch: duplicate %d of ticket %s asked by staff", t->reprints, t->number);
	else
		log_warnx("touch: no duplicate of ticket %lld: %s (%s)", (long long)id,
		    client_rc_str(rc), err);
	pthread_mutex_lock(&w->mu);
	w->reprint_rc = rc;
	if (t)
		w->reprint_t = *t;
	snprintf(w->reprint_code, sizeof w->reprint_code, "%s",
	    rc == CLIENT_OK ? "" : client_last_code(w->cfg.client));
	w->reprint_ready = 1;
	pthread_mutex_unlock(&w->mu);
	post(w, EV_REPRINT);
	if (t) {
		sodium_memzero(t, sizeof *t);
		free(t);
	}
}

/* Print a slip the UI thread laid out, and tell the server what happened
 * (a test page is no slip: printed only). */
static void
do_print(struct worker *w, enum job_kind kind, const struct client_ticket *t,
    const struct bitmap *b, const char *layout_err)
{
	struct dispense_result res;
	int ok, att = !strcmp(t->kind, "attestation"), entry = !strcmp(t->kind, "draw_entry");

	memset(&res, 0, sizeof res);
	if (kind == JOB_TEST) {
		if (b)
			ok = printer_print(w->cfg.printer, b, &res.print) == 0;
		else {
			ok = 0;
			res.print.state = ESCPOS_UNKNOWN;
			snprintf(res.print.reason, sizeof res.print.reason, "test page layout failed: %s",
			    layout_err);
		}
		log_info("touch: test page: %s%s%s", ok ? "printed" : "not printed",
		    res.print.reason[0] ? " - " : "", res.print.reason);
	} else if (b) {
		ok = dispense_print(w->cfg.printer, w->cfg.client, t, b, &res) == 0;
	} else {
		res.print.outcome = PRINT_FAILED;
		res.print.state = ESCPOS_UNKNOWN;
		snprintf(res.print.reason, sizeof res.print.reason, "slip layout failed: %s", layout_err);
		res.report = dispense_report(w->cfg.client, t, &res.print, res.report_err,
		    sizeof res.report_err);
		ok = 0;
	}
	if (kind != JOB_TEST)
		log_info("touch: %s %s%s: %s%s%s; report: %s", att ? "attestation" :
		    entry ? "enrolment" : "ticket", att ? t->serial : entry ? t->draw_entry : t->number,
		    kind == JOB_REPRINT ? " (duplicate)" : "",
		    printer_outcome_str(res.print.outcome),
		    res.print.reason[0] ? " - " : "", res.print.reason, client_rc_str(res.report));
	pthread_mutex_lock(&w->mu);
	if (ok && b) {   /* the paper counter: what left the printer */
		w->paper_slips++;
		w->paper_dots += b->h;
		w->paper_ready = 1;
	}
	w->printed_kind = kind;
	snprintf(w->printed_number, sizeof w->printed_number, "%s", t->number);
	w->printed_reprints = t->reprints;
	w->printed_ok = ok;
	w->printed_st = res.print.state;
	snprintf(w->printed_reason, sizeof w->printed_reason, "%s", ok ? "" : res.print.reason);
	w->printed_ready = 1;
	pthread_mutex_unlock(&w->mu);
	post(w, EV_PRINTED);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	int64_t next = 0;
	int bad = 0;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		struct timespec ts;
		int64_t now = clock_ms();
		if (w->stop)
			break;
		/* a slip waiting to print goes first: a new visitor's ticket never
		 * overtakes the last one's paper */
		if (w->has_print) {
			struct client_ticket t = w->print_t;
			struct bitmap *b = w->print_b;
			enum job_kind kind = w->print_kind;
			char lerr[256];
			memcpy(lerr, w->print_err, sizeof lerr);
			w->print_b = NULL;
			w->has_print = 0;
			pthread_mutex_unlock(&w->mu);
			do_print(w, kind, &t, b, lerr);
			bitmap_free(b);
			sodium_memzero(&t, sizeof t);
			pthread_mutex_lock(&w->mu);
			w->refresh = 1; /* the counts changed */
			continue;
		}
		if (w->has_reprint) {
			int64_t id = w->reprint_id;
			w->has_reprint = 0;
			pthread_mutex_unlock(&w->mu);
			do_reprint(w, id);
			pthread_mutex_lock(&w->mu);
			continue;
		}
		if (w->has_job) {
			struct ui_action job = w->job;
			sodium_memzero(&w->job, sizeof w->job);
			w->has_job = 0;
			pthread_mutex_unlock(&w->mu);
			do_issue(w, &job);
			sodium_memzero(&job, sizeof job);
			pthread_mutex_lock(&w->mu);
			continue;
		}
		if (w->refresh || now >= next) {
			w->refresh = 0;
			pthread_mutex_unlock(&w->mu);
			do_poll(w, &bad);
			next = clock_ms() + (bad ? w->cfg.poll_bad_ms : w->cfg.poll_ok_ms);
			pthread_mutex_lock(&w->mu);
			continue;
		}
		ts = clock_timespec(next);
		pthread_cond_timedwait(&w->cv, &w->mu, &ts);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

struct worker *
worker_start(const struct worker_config *cfg, char *err, size_t errlen)
{
	struct worker *w = calloc(1, sizeof *w);

	if (w == NULL) {
		errf(err, errlen, "out of memory");
		return NULL;
	}
	w->cfg = *cfg;
	w->dots = printer_profile(cfg->printer)->dots;
	w->dpi = printer_profile(cfg->printer)->dpi;
	snprintf(w->spec, sizeof w->spec, "%s", printer_spec(cfg->printer));
	snprintf(w->profile, sizeof w->profile, "%s", printer_profile(cfg->printer)->name);
	pthread_mutex_init(&w->mu, NULL);
	clock_cond_init(&w->cv);
	if (pthread_create(&w->th, NULL, worker_main, w) != 0) {
		errf(err, errlen, "cannot start the worker thread");
		pthread_cond_destroy(&w->cv);
		pthread_mutex_destroy(&w->mu);
		free(w);
		return NULL;
	}
	return w;
}

void
worker_stop(struct worker *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->th, NULL);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	client_menu_free(w->menu);
	bitmap_free(w->print_b);
	sodium_memzero(w, sizeof *w);
	free(w);
}

void
worker_issue(struct worker *w, const struct ui_action *act)
{
	pthread_mutex_lock(&w->mu);
	if (w->has_job) {
		/* cannot happen: the ui waits for the answer before it can ask
		 * again. Never two tickets. */
		log_warnx("touch: an issue is already waiting: request dropped");
	} else {
		w->job = *act;
		w->job.speech = NULL; /* not the worker's */
		w->has_job = 1;
		pthread_cond_signal(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
}

void
worker_reprint(struct worker *w, int64_t id)
{
	pthread_mutex_lock(&w->mu);
	w->reprint_id = id;
	w->has_reprint = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void
worker_refresh(struct worker *w)
{
	pthread_mutex_lock(&w->mu);
	w->refresh = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

/* ---- the UI thread's side --------------------------------------------------- */

static struct bitmap *
bitmap_copy(const struct bitmap *b)
{
	struct bitmap *c;

	if (b == NULL || (c = bitmap_new(b->w, b->h)) == NULL)
		return NULL;
	memcpy(c->px, b->px, (size_t)b->w * b->h);
	return c;
}

/*
 * A slip was issued: lay it out once (the bitmap the printer prints is the
 * one the screen shows), give the worker a copy to print, and the ui the
 * other. Returns the ui's bitmap, or NULL when it could not be laid out
 * (the worker then reports the failure).
 */
static struct bitmap *
lay_out_and_print(struct worker *w, struct fonts *f, const struct client_ticket *t,
    enum job_kind kind)
{
	struct dispense_slip *ds = calloc(1, sizeof *ds);
	struct bitmap *b = NULL, *copy;
	char err[256] = "out of memory";

	/* the worker takes a print before any new issue, and the next print can
	 * only follow that issue: there is never a print waiting here */
	/* dispense_render() without touching the worker's printer handle */
	if (ds && (dispense_fill(ds, t, NULL, err, sizeof err) != 0 ||
	    (b = ticket_render(&ds->view, w->dots, w->dpi, f, err, sizeof err)) == NULL))
		log_warnx("touch: slip %s cannot be laid out: %s",
		    t->draw_entry[0] ? t->draw_entry : t->number, err);
	free(ds);
	copy = bitmap_copy(b);
	pthread_mutex_lock(&w->mu);
	if (w->has_print)
		log_warnx("touch: slip %s was never printed (replaced)", w->print_t.number);
	w->print_t = *t;
	w->print_kind = kind;
	bitmap_free(w->print_b);
	w->print_b = b;
	snprintf(w->print_err, sizeof w->print_err, "%s", b ? "" : err);
	w->has_print = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return copy;
}

void
worker_test_print(struct worker *w, struct fonts *f, const char *site_name, const char *when)
{
	struct ticket_test tt;
	struct bitmap *b;
	char lines[512], err[256] = "";

	snprintf(lines, sizeof lines, "Imprimé le %s\nImprimante : %s\nProfil : %s, %d points "
	    "par ligne, %d dpi\nSi le cadre est complet et la bande noire sans trait blanc, "
	    "l'imprimante va bien.", when, w->spec, w->profile, w->dots, w->dpi);
	tt.site_name = site_name;
	tt.lines = lines;
	if ((b = ticket_render_test(&tt, w->dots, w->dpi, f, err, sizeof err)) == NULL)
		log_warnx("touch: the test page cannot be laid out: %s", err);
	pthread_mutex_lock(&w->mu);
	if (w->has_print)
		log_warnx("touch: slip %s was never printed (replaced)", w->print_t.number);
	memset(&w->print_t, 0, sizeof w->print_t);
	w->print_kind = JOB_TEST;
	bitmap_free(w->print_b);
	w->print_b = b;
	snprintf(w->print_err, sizeof w->print_err, "%s", b ? "" : err);
	w->has_print = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

/* Take what the worker left in its slots and give it to the ui. */
void
worker_deliver(struct worker *w, struct ui *u, struct fonts *f, int64_t now)
{
	struct client_menu *menu = NULL;
	struct client_ticket *t = NULL, *rt = NULL;
	struct ui_admin_done ad;
	int menu_ready, pst_ready, issued_ready, printed_ready, issue_slip = 0, printed_ok = 0;
	int reprint_ready, paper_ready;
	long paper_slips = 0, paper_mm = 0;
	enum job_kind printed_kind = JOB_SLIP;
	enum client_rc menu_rc = CLIENT_OK, issue_rc = CLIENT_OK;
	enum escpos_state pst = ESCPOS_UNKNOWN, printed_st = ESCPOS_UNKNOWN;
	char menu_err[256], pst_reason[192], issue_err[256], issue_code[32], printed_reason[192];
	char issue_when[40];
	int issue_checkin = 0;

	pthread_mutex_lock(&w->mu);
	menu_ready = w->menu_ready;
	if (menu_ready) {
		menu_rc = w->menu_rc;
		menu = w->menu;
		w->menu = NULL;
		memcpy(menu_err, w->menu_err, sizeof menu_err);
		w->menu_ready = 0;
	}
	pst_ready = w->pst_ready;
	if (pst_ready) {
		pst = w->pst;
		memcpy(pst_reason, w->pst_reason, sizeof pst_reason);
		w->pst_ready = 0;
	}
	issued_ready = w->issued_ready;
	if (issued_ready && (t = malloc(sizeof *t)) != NULL) {
		issue_rc = w->issue_rc;
		issue_slip = w->issue_slip;
		*t = w->ticket;
		sodium_memzero(&w->ticket, sizeof w->ticket);
		memcpy(issue_err, w->issue_err, sizeof issue_err);
		memcpy(issue_code, w->issue_code, sizeof issue_code);
		memcpy(issue_when, w->issue_when, sizeof issue_when);
		issue_checkin = w->issue_checkin;
		w->issued_ready = 0;
	} else {
		issued_ready = 0;
	}
	memset(&ad, 0, sizeof ad);
	reprint_ready = w->reprint_ready;
	if (reprint_ready && (rt = malloc(sizeof *rt)) != NULL) {
		*rt = w->reprint_t;
		sodium_memzero(&w->reprint_t, sizeof w->reprint_t);
		ad.job = UI_ACT_REPRINT;
		ad.rc = w->reprint_rc;
		snprintf(ad.code, sizeof ad.code, "%s", w->reprint_code);
		snprintf(ad.number, sizeof ad.number, "%s", rt->number);
		w->reprint_ready = 0;
	} else {
		reprint_ready = 0;
	}
	paper_ready = w->paper_ready;
	if (paper_ready) {
		paper_slips = w->paper_slips;
		paper_mm = w->dpi > 0 ? (long)(w->paper_dots * 25.4 / w->dpi + 0.5) : 0;
		w->paper_ready = 0;
	}
	printed_ready = w->printed_ready;
	if (printed_ready) {
		printed_kind = w->printed_kind;
		printed_ok = w->printed_ok;
		printed_st = w->printed_st;
		memcpy(printed_reason, w->printed_reason, sizeof printed_reason);
		w->printed_ready = 0;
	}
	pthread_mutex_unlock(&w->mu);

	if (menu_ready) {
		/* the site's clock, for the header and the log, from its first answer on */
		if (menu_rc == CLIENT_OK && menu->site.tz[0]) {
			int z = serve_use_zone(menu->site.tz);
			if (z > 0)
				log_info("touch: the site's clock: %s", menu->site.tz);
			else if (z < 0 && !w->zone_warned) {
				log_warnx("touch: the site's time zone '%s' is not installed here: "
				    "times are the machine's (install tzdata)", menu->site.tz);
				w->zone_warned = 1;
			}
		}
		if (menu_rc == CLIENT_OK)
			ui_menu(u, menu, now);
		else if (menu_rc == CLIENT_UNREACHABLE)
			ui_server_down(u, menu_err, now);
		else
			log_warnx("touch: menu: %s: %s", client_rc_str(menu_rc), menu_err);
	}
	if (pst_ready)
		ui_printer(u, pst, pst_reason, now);
	if (issued_ready) {
		if (issue_slip)
			ui_issued(u, t, lay_out_and_print(w, f, t, JOB_SLIP), now);
		else if (issue_checkin || !strcmp(issue_code, "holder_elsewhere"))
			ui_checkin_failed(u, issue_rc, issue_code, issue_when, issue_err, now);
		else
			ui_issue_failed(u, issue_rc, issue_code, issue_err, now);
		sodium_memzero(t, sizeof *t);
		free(t);
	}
	if (reprint_ready) {
		if (ad.rc == CLIENT_OK)   /* laid out here, printed by the worker: answered then */
			bitmap_free(lay_out_and_print(w, f, rt, JOB_REPRINT));
		else
			ui_admin_done(u, &ad, now);
		sodium_memzero(rt, sizeof *rt);
		free(rt);
	}
	if (paper_ready)
		ui_paper(u, paper_slips, paper_mm, now);
	if (printed_ready && printed_kind == JOB_SLIP) {
		ui_printed(u, printed_ok, printed_st, printed_reason, now);
	} else if (printed_ready) {
		memset(&ad, 0, sizeof ad);
		ad.job = printed_kind == JOB_TEST ? UI_ACT_TEST_PRINT : UI_ACT_REPRINT;
		ad.printed = printed_ok;
		ad.st = printed_st;
		ad.rc = CLIENT_OK;
		pthread_mutex_lock(&w->mu);
		snprintf(ad.number, sizeof ad.number, "%s", w->printed_number);
		ad.reprints = w->printed_reprints;
		pthread_mutex_unlock(&w->mu);
		ui_admin_done(u, &ad, now);
	}
}

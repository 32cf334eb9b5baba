/*
 * touch: `kiosk touch`, the touchscreen kiosk. Platform module: the only
 * file that includes SDL's video, event and audio headers (and libpng, for
 * screenshots). The screens themselves are ui.c's (pure); this file
 *   - opens the window and shows the pixels ui_paint() made, uploading only
 *     the rectangle that changed;
 *   - turns touch, mouse and keys into ui_tap()/ui_keypress(), each key
 *     press with the text it typed, so that the ui tells a USB QR scanner
 *     (a keyboard that types an earlier attestation, then Enter) from a
 *     person;
 *   - waits for events with SDL_WaitEventTimeout until the next deadline
 *     (idle countdown, welcome cycling, the clock's minute, a script wait):
 *     no frame is drawn unless ui_dirty() says something changed;
 *   - runs the network and the printer on a worker thread, and speech on a
 *     speaker thread. Results come back ONLY as an SDL user event carrying
 *     a plain number; the values wait in a slot under the worker's mutex,
 *     which the UI thread empties. No pointer travels in an event.
 *
 * Lock-down: with --fullscreen the window takes the whole screen and grabs
 * the keyboard; closing the window, Alt-F4 and Escape do nothing. Leaving
 * takes the admin PIN (--admin-pin or KIOSK_ADMIN_PIN), typed after five
 * taps in the top-left corner within three seconds. SIGTERM (systemd) and
 * SIGINT still stop it cleanly.
 *
 * Test hook: --script FILE feeds input from a file, waits for screens with
 * deadlines and takes screenshots, so tests never sleep hoping (see
 * usage()).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <SDL.h>
#include <png.h>
#include <sodium.h>

#include "client/client.h"
#include "cmd/cmds.h"
#include "cmd/dispense.h"
#include "core/i18n.h"
#include "core/log.h"
#include "printer/printer.h"
#include "cmd/serve.h"
#include "core/text.h"
#include "core/ticket.h"
#include "ui/ui.h"

#define POLL_OK_MS    30000  /* menu and printer polled this often when all is well (--poll) */
#define POLL_BAD_MS   5000   /* ...and at most this long apart while something is wrong */
#define SCRIPT_WAIT_MS 15000 /* default deadline of a script's "wait" */

extern char **environ;

/* Worker result kinds: the code of our SDL user event. */
enum { EV_MENU = 1, EV_PRINTER, EV_ISSUED, EV_PRINTED };

static int64_t
mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double
mono_ms_f(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* ---- the worker: network and printer ------------------------------------- */

struct worker {
	pthread_t th;               /* the thread */
	pthread_mutex_t mu;         /* guards everything below */
	pthread_cond_t cv;          /* wakes the thread (CLOCK_MONOTONIC) */
	int stop;                   /* 1: leave the loop */
	int refresh;                /* 1: poll now */
	int has_job;                /* 1: `job` is an issue to do */
	struct ui_action job;       /* the issue asked for */
	int has_print;              /* 1: print `print_t` */
	struct client_ticket print_t; /* the slip to print and report */
	struct bitmap *print_b;     /* its bitmap (owned here), NULL if it could not be laid out */
	char print_err[256];        /* why it could not be laid out */
	int busy;                   /* 1 while issuing or printing */
	/* set up by the UI thread before the thread starts; read-only after */
	struct client *client;      /* the server */
	struct printer *printer;    /* the printer (this thread only) */
	int dots, dpi;              /* its profile's width and dpi, copied for the
	                             * UI thread, which lays the slip out */
	Uint32 ev;                  /* our SDL event type */
	int poll_ok_ms;             /* poll period when all is well */
	int poll_bad_ms;            /* ...and while the server or printer is in trouble */
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
	int printed_ready;          /* the print finished */
	int printed_ok;             /* 1: printed */
	enum escpos_state printed_st; /* printer state after it */
	char printed_reason[192];   /* the printer's sentence */
};

static void
post(struct worker *w, int code)
{
	SDL_Event e;

	memset(&e, 0, sizeof e);
	e.type = w->ev;
	e.user.code = code; /* a number; the values wait in the slot */
	if (SDL_PushEvent(&e) < 0)
		log_warnx("touch: cannot post a result: %s", SDL_GetError());
}

static void
worker_poll(struct worker *w, int *bad)
{
	struct client_menu *m = NULL;
	char err[256] = "", reason[192] = "";
	enum client_rc rc = client_services(w->client, &m, err, sizeof err);
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

	st = printer_status(w->printer, reason, sizeof reason);
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
 * Ask for a ticket. The slip is laid out by the UI thread, with the fonts
 * it already has (the screen shows the very bitmap that is printed, so one
 * layout serves both), and comes back as a print job.
 */
static void
worker_issue(struct worker *w, struct ui_action *job)
{
	struct client_request rq;
	struct client_ticket *t = calloc(1, sizeof *t);
	char err[256] = "";
	enum client_rc rc;
	int att;

	memset(&rq, 0, sizeof rq);
	rq.service = job->service;
	rq.lang = job->lang;
	rq.priority = job->priority;
	rq.holder = job->holder[0] ? job->holder : NULL;
	rq.previous = job->previous[0] ? job->previous : NULL; /* an earlier attestation, scanned */
	if (t == NULL) {
		rc = CLIENT_PROTOCOL;
		snprintf(err, sizeof err, "out of memory");
	} else {
		rc = client_issue_with(w->client, &rq, t, err, sizeof err);
	}
	sodium_memzero(job->holder, sizeof job->holder);
	sodium_memzero(job->previous, sizeof job->previous);
	att = t && rc == CLIENT_FULL && !strcmp(t->kind, "attestation");
	if (rc != CLIENT_OK && !att)
		log_info("touch: no ticket for service %s: %s (%s)", job->service, client_rc_str(rc), err);
	else
		log_info("touch: issued %s %s (service %s, %s)", att ? "attestation" : "ticket",
		    att ? t->serial : t->number, job->service, job->lang);
	pthread_mutex_lock(&w->mu);
	w->issue_rc = rc;
	w->issue_slip = rc == CLIENT_OK || att;
	if (t)
		w->ticket = *t;
	snprintf(w->issue_err, sizeof w->issue_err, "%s", err);
	snprintf(w->issue_code, sizeof w->issue_code, "%s", client_last_code(w->client));
	w->issued_ready = 1;
	pthread_mutex_unlock(&w->mu);
	post(w, EV_ISSUED);
	if (t) {
		sodium_memzero(t, sizeof *t);
		free(t);
	}
}

/* Print a slip the UI thread laid out, and tell the server what happened. */
static void
worker_print(struct worker *w, const struct client_ticket *t, const struct bitmap *b,
    const char *layout_err)
{
	struct dispense_result res;
	int ok, att = !strcmp(t->kind, "attestation");

	memset(&res, 0, sizeof res);
	if (b) {
		ok = dispense_print(w->printer, w->client, t, b, &res) == 0;
	} else {
		res.print.outcome = PRINT_FAILED;
		res.print.state = ESCPOS_UNKNOWN;
		snprintf(res.print.reason, sizeof res.print.reason, "slip layout failed: %s", layout_err);
		res.report = dispense_report(w->client, t, &res.print, res.report_err,
		    sizeof res.report_err);
		ok = 0;
	}
	log_info("touch: %s %s: %s%s%s; report: %s", att ? "attestation" : "ticket",
	    att ? t->serial : t->number, printer_outcome_str(res.print.outcome),
	    res.print.reason[0] ? " - " : "", res.print.reason, client_rc_str(res.report));
	pthread_mutex_lock(&w->mu);
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
		int64_t now = mono_ms();
		if (w->stop)
			break;
		/* a slip waiting to print goes first: a new visitor's ticket never
		 * overtakes the last one's paper */
		if (w->has_print) {
			struct client_ticket t = w->print_t;
			struct bitmap *b = w->print_b;
			char lerr[256];
			memcpy(lerr, w->print_err, sizeof lerr);
			w->print_b = NULL;
			w->has_print = 0;
			w->busy = 1;
			pthread_mutex_unlock(&w->mu);
			worker_print(w, &t, b, lerr);
			bitmap_free(b);
			sodium_memzero(&t, sizeof t);
			pthread_mutex_lock(&w->mu);
			w->busy = 0;
			w->refresh = 1; /* the counts changed */
			continue;
		}
		if (w->has_job) {
			struct ui_action job = w->job;
			sodium_memzero(&w->job, sizeof w->job);
			w->has_job = 0;
			w->busy = 1;
			pthread_mutex_unlock(&w->mu);
			worker_issue(w, &job);
			sodium_memzero(&job, sizeof job);
			pthread_mutex_lock(&w->mu);
			w->busy = 0;
			continue;
		}
		if (w->refresh || now >= next) {
			w->refresh = 0;
			pthread_mutex_unlock(&w->mu);
			worker_poll(w, &bad);
			next = mono_ms() + (bad ? w->poll_bad_ms : w->poll_ok_ms);
			pthread_mutex_lock(&w->mu);
			continue;
		}
		ts.tv_sec = (time_t)(next / 1000);
		ts.tv_nsec = (long)(next % 1000) * 1000000L;
		pthread_cond_timedwait(&w->cv, &w->mu, &ts);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

static int
worker_start(struct worker *w)
{
	pthread_condattr_t ca;

	pthread_mutex_init(&w->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cv, &ca);
	pthread_condattr_destroy(&ca);
	return pthread_create(&w->th, NULL, worker_main, w) == 0 ? 0 : -1;
}

static void
worker_stop(struct worker *w)
{
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->th, NULL);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	client_menu_free(w->menu);
	bitmap_free(w->print_b);
}

/* ---- the speaker: espeak-ng, offline ------------------------------------ */

struct speaker {
	pthread_t th;               /* the thread */
	pthread_mutex_t mu;         /* guards everything below */
	pthread_cond_t cv;          /* new text or stop */
	int stop;                   /* 1: leave */
	char *pending;              /* lines "LANG\tTEXT\n" to say, or NULL */
	unsigned gen;               /* bumped by every say/hush: interrupts */
	pid_t child;                /* the espeak-ng being run, or 0 */
	char dir[64];               /* temporary directory for the WAV files */
	FILE *log;                  /* --speech-log: every line said, or NULL */
	int audio;                  /* 1: play (SDL audio initialised) */
	SDL_AudioDeviceID dev;      /* opened at the first sentence */
	SDL_AudioSpec spec;         /* its format */
};

/* espeak-ng voice for a language code. */
static const char *
voice_for(const char *code)
{
	const struct lang *l = i18n_lang(code);

	if (l && l->voice)
		return l->voice;
	if (l && !strcmp(l->code, "ps"))
		return "fa"; /* no Pashto voice: Persian reads the shared script best */
	return "fr-fr";
}

/* Synthesise one sentence to a WAV file. 0 or -1. */
static int
synth(struct speaker *sp, unsigned gen, const char *voice, const char *text, const char *wav)
{
	char *argv[] = { "espeak-ng", "-v", (char *)voice, "-s", "150", "-w", (char *)wav, "--",
		(char *)text, NULL };
	pid_t pid;
	int st, rc;

	pthread_mutex_lock(&sp->mu);
	if (gen != sp->gen) {
		pthread_mutex_unlock(&sp->mu);
		return -1;
	}
	rc = posix_spawnp(&pid, "espeak-ng", NULL, NULL, argv, environ);
	if (rc == 0)
		sp->child = pid;
	pthread_mutex_unlock(&sp->mu);
	if (rc != 0) {
		log_warnx("touch: cannot run espeak-ng: %s", strerror(rc));
		return -1;
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	pthread_mutex_lock(&sp->mu);
	sp->child = 0;
	pthread_mutex_unlock(&sp->mu);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static void
play(struct speaker *sp, unsigned gen, const char *wav, const char *voice)
{
	SDL_AudioSpec spec;
	Uint8 *buf = NULL;
	Uint32 len = 0;
	int64_t until;

	if (!sp->audio || SDL_LoadWAV(wav, &spec, &buf, &len) == NULL)
		return;
	if (sp->log) { /* the sentence was made: say so for the tests */
		pthread_mutex_lock(&sp->mu);
		fprintf(sp->log, "#said\t%s\t%lu\n", voice, (unsigned long)len);
		fflush(sp->log);
		pthread_mutex_unlock(&sp->mu);
	}
	if (sp->dev == 0) {
		sp->dev = SDL_OpenAudioDevice(NULL, 0, &spec, &sp->spec, 0);
		if (sp->dev == 0) {
			log_warnx("touch: no audio output: %s", SDL_GetError());
			sp->audio = 0;
			SDL_FreeWAV(buf);
			return;
		}
		SDL_PauseAudioDevice(sp->dev, 0);
	}
	if (spec.freq == sp->spec.freq && spec.format == sp->spec.format &&
	    spec.channels == sp->spec.channels)
		SDL_QueueAudio(sp->dev, buf, len);
	SDL_FreeWAV(buf);
	/* wait for the sentence to be heard, or for an interruption */
	until = mono_ms() + (int64_t)len * 1000 /
	    ((int64_t)spec.freq * spec.channels * (SDL_AUDIO_BITSIZE(spec.format) / 8) + 1) + 100;
	pthread_mutex_lock(&sp->mu);
	while (gen == sp->gen && !sp->stop && mono_ms() < until) {
		struct timespec ts;
		ts.tv_sec = (time_t)(until / 1000);
		ts.tv_nsec = (long)(until % 1000) * 1000000L;
		pthread_cond_timedwait(&sp->cv, &sp->mu, &ts);
	}
	pthread_mutex_unlock(&sp->mu);
}

static void *
speaker_main(void *arg)
{
	struct speaker *sp = arg;
	unsigned n = 0;

	pthread_mutex_lock(&sp->mu);
	for (;;) {
		char *text, *line, *save = NULL;
		unsigned gen;
		while (!sp->stop && sp->pending == NULL)
			pthread_cond_wait(&sp->cv, &sp->mu);
		if (sp->stop)
			break;
		text = sp->pending;
		sp->pending = NULL;
		gen = sp->gen;
		pthread_mutex_unlock(&sp->mu);
		for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char *tab = strchr(line, '\t'), wav[128];
			const char *voice;
			if (tab == NULL)
				continue;
			*tab = '\0';
			voice = voice_for(line);
			pthread_mutex_lock(&sp->mu);
			if (gen != sp->gen) {
				pthread_mutex_unlock(&sp->mu);
				break;
			}
			if (sp->log) {
				fprintf(sp->log, "%s\t%s\t%s\n", line, voice, tab + 1);
				fflush(sp->log);
			}
			pthread_mutex_unlock(&sp->mu);
			snprintf(wav, sizeof wav, "%s/s%u.wav", sp->dir, n++ % 4);
			if (sp->audio && synth(sp, gen, voice, tab + 1, wav) == 0) {
				play(sp, gen, wav, voice);
			} else if (sp->audio) {
				int same;
				pthread_mutex_lock(&sp->mu);
				same = gen == sp->gen; /* not interrupted: a real failure */
				pthread_mutex_unlock(&sp->mu);
				if (same)
					log_warnx("touch: espeak-ng could not say a %s sentence", voice);
			}
			unlink(wav);
		}
		free(text);
		pthread_mutex_lock(&sp->mu);
	}
	pthread_mutex_unlock(&sp->mu);
	return NULL;
}

static void
speaker_say(struct speaker *sp, char *lines /* taken */)
{
	if (!sp->audio && lines) {
		/* nothing to play: log what would be said, here and now (tests
		 * then see it before the app ends) */
		char *dup = strdup(lines), *line, *save = NULL;
		for (line = dup ? strtok_r(dup, "\n", &save) : NULL; line;
		    line = strtok_r(NULL, "\n", &save)) {
			char *tab = strchr(line, '\t');
			if (tab && sp->log) {
				*tab = '\0';
				fprintf(sp->log, "%s\t%s\t%s\n", line, voice_for(line), tab + 1);
			}
		}
		if (sp->log)
			fflush(sp->log);
		free(dup);
		free(lines);
		return;
	}
	pthread_mutex_lock(&sp->mu);
	free(sp->pending);
	sp->pending = lines;
	sp->gen++;
	if (sp->child > 0)
		kill(sp->child, SIGTERM); /* our own espeak-ng child, by its pid */
	pthread_cond_broadcast(&sp->cv);
	pthread_mutex_unlock(&sp->mu);
	if (sp->dev)
		SDL_ClearQueuedAudio(sp->dev);
}

static int
speaker_start(struct speaker *sp, const char *logpath, int audio)
{
	snprintf(sp->dir, sizeof sp->dir, "/tmp/kiosk-speech-XXXXXX");
	if (mkdtemp(sp->dir) == NULL) {
		log_warn("touch: speech directory");
		return -1;
	}
	if (logpath && (sp->log = fopen(logpath, "a")) == NULL)
		log_warn("touch: %s", logpath);
	sp->audio = audio;
	pthread_mutex_init(&sp->mu, NULL);
	pthread_cond_init(&sp->cv, NULL);
	return pthread_create(&sp->th, NULL, speaker_main, sp) == 0 ? 0 : -1;
}

static void
speaker_stop(struct speaker *sp)
{
	speaker_say(sp, NULL);
	pthread_mutex_lock(&sp->mu);
	sp->stop = 1;
	pthread_cond_broadcast(&sp->cv);
	pthread_mutex_unlock(&sp->mu);
	pthread_join(sp->th, NULL);
	if (sp->dev)
		SDL_CloseAudioDevice(sp->dev);
	if (sp->log)
		fclose(sp->log);
	rmdir(sp->dir);
	pthread_cond_destroy(&sp->cv);
	pthread_mutex_destroy(&sp->mu);
}

/* ---- the window ------------------------------------------------------------- */

/*
 * The window is shown through SDL's window surface: our own ARGB buffer is
 * painted by ui_paint(), and only the rectangle that changed is copied to
 * the window and pushed (SDL_UpdateWindowSurfaceRects: XShmPutImage of that
 * rectangle on X11). No OpenGL renderer: a software GL stack (llvmpipe)
 * would cost tens of megabytes and a full-window copy on every frame.
 */
struct screen {
	SDL_Window *win;            /* the window */
	SDL_Surface *own;           /* our pixels (cv.px) seen as an SDL surface */
	struct ui_canvas cv;        /* our pixels */
	struct ui_painter *painter; /* draws frames into cv */
	int full;                   /* 1: repaint and push everything next time */
	int push;                   /* 1: push everything again (exposed) */
	int w, h;                   /* pixel size */
	double t_layout, t_paint;   /* milliseconds the last frame took (--stats) */
	struct rect last_dirty;     /* what the last frame repainted (--stats) */
};

static int
screen_alloc(struct screen *s, int w, int h)
{
	SDL_FreeSurface(s->own);
	s->own = NULL;
	free(s->cv.px);
	if ((s->cv.px = calloc((size_t)w * h, 4)) == NULL)
		return -1;
	s->own = SDL_CreateRGBSurfaceWithFormatFrom(s->cv.px, w, h, 32, w * 4,
	    SDL_PIXELFORMAT_ARGB8888);
	if (s->own == NULL)
		return -1;
	s->cv.w = w;
	s->cv.h = h;
	s->cv.pitch = w;
	s->w = w;
	s->h = h;
	s->full = 1;
	return 0;
}

/* Copy rectangle r of our pixels to the window and show it. */
static void
screen_push(struct screen *s, SDL_Rect r)
{
	SDL_Surface *ws = SDL_GetWindowSurface(s->win);

	if (ws == NULL) {
		log_warnx("touch: no window surface: %s", SDL_GetError());
		return;
	}
	if (SDL_BlitSurface(s->own, &r, ws, &r) != 0 || SDL_UpdateWindowSurfaceRects(s->win, &r, 1) != 0)
		log_warnx("touch: cannot show the frame: %s", SDL_GetError());
}

/* Paint the ui's frame and show what changed. */
static void
screen_draw(struct screen *s, struct ui *u, int64_t now)
{
	double t0 = mono_ms_f(), t1, t2;
	const struct ui_frame *f = ui_draw(u, now);
	struct rect d;
	SDL_Rect r;

	t1 = mono_ms_f();
	if (ui_paint(s->painter, f, &s->cv, s->full, &d) < 0)
		log_warnx("touch: some text could not be drawn");
	t2 = mono_ms_f();
	s->t_layout = t1 - t0;
	s->t_paint = t2 - t1;
	if (s->full || s->push) {
		d.x = d.y = 0;
		d.w = s->w;
		d.h = s->h;
	}
	s->full = s->push = 0;
	s->last_dirty = d;
	if (d.w <= 0 || d.h <= 0)
		return;
	r.x = d.x, r.y = d.y, r.w = d.w, r.h = d.h;
	screen_push(s, r);
}

/* The window's pixels as an RGB PNG. */
static int
screenshot(const struct screen *s, const char *path)
{
	png_image img;
	unsigned char *rgb = malloc((size_t)s->w * s->h * 3);
	size_t i, n = (size_t)s->w * s->h;
	int ok;

	if (rgb == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		uint32_t p = s->cv.px[i];
		rgb[3 * i] = (unsigned char)(p >> 16);
		rgb[3 * i + 1] = (unsigned char)(p >> 8);
		rgb[3 * i + 2] = (unsigned char)p;
	}
	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	img.width = (png_uint_32)s->w;
	img.height = (png_uint_32)s->h;
	img.format = PNG_FORMAT_RGB;
	ok = png_image_write_to_file(&img, path, 0, rgb, s->w * 3, NULL);
	free(rgb);
	if (!ok)
		log_warnx("touch: screenshot %s: %s", path, img.message);
	return ok ? 0 : -1;
}

/* ---- input ----------------------------------------------------------------- */

/* An SDL key to a ui key; 0 when it means nothing to the public. */
static int
map_key(const SDL_Keysym *k)
{
	SDL_Keycode c = k->sym;

	if (k->mod & (KMOD_ALT | KMOD_CTRL | KMOD_GUI))
		return 0; /* Alt-F4, Ctrl-Q...: nothing */
	switch (c) {
	case SDLK_UP: case SDLK_KP_8:    return UI_KEY_UP;
	case SDLK_DOWN: case SDLK_KP_2:  return UI_KEY_DOWN;
	case SDLK_LEFT: case SDLK_KP_4:  return UI_KEY_LEFT;
	case SDLK_RIGHT: case SDLK_KP_6: return UI_KEY_RIGHT;
	case SDLK_RETURN: case SDLK_KP_ENTER: case SDLK_SPACE: return UI_KEY_ENTER;
	case SDLK_BACKSPACE: case SDLK_KP_MINUS: return UI_KEY_BACK;
	case SDLK_F1: case SDLK_KP_PLUS: case SDLK_KP_MULTIPLY: return UI_KEY_LISTEN;
	case SDLK_F2: return UI_KEY_LARGE;
	case SDLK_F3: return UI_KEY_CONTRAST;
	default: break;
	}
	/* keypad digits arrive as KP_n with Num Lock on; with it off, as arrows above */
	if (c >= SDLK_0 && c <= SDLK_9)
		return UI_KEY_DIGIT0 + (c - SDLK_0);
	if (c == SDLK_KP_0)
		return UI_KEY_DIGIT0;
	if (c >= SDLK_KP_1 && c <= SDLK_KP_9)
		return UI_KEY_DIGIT0 + 1 + (c - SDLK_KP_1);
	if (c >= SDLK_a && c <= SDLK_z)
		return UI_KEY_LETTER_A + (c - SDLK_a);
	return 0;
}

/* ---- the script hook ------------------------------------------------------ */

struct script {
	char **lines;       /* the file's lines */
	int n;              /* how many */
	int pc;             /* next line */
	int64_t deadline;   /* of the current wait, 0 = none yet */
	int64_t resume;     /* do not run before this (tap guard) */
	int failed;         /* 1: a check failed */
	int done;           /* 1: ran to the end or "quit" */
	int pages;          /* pages turned looking for a target */
	char last_speech[4096]; /* what the ui last asked to say */
};

static int
script_load(struct script *sc, const char *path)
{
	FILE *f = fopen(path, "r");
	char buf[1024];

	if (f == NULL)
		return -1;
	while (fgets(buf, sizeof buf, f)) {
		char **l;
		buf[strcspn(buf, "\r\n")] = '\0';
		if ((l = realloc(sc->lines, (size_t)(sc->n + 1) * sizeof *l)) == NULL)
			break;
		sc->lines = l;
		if ((sc->lines[sc->n] = strdup(buf)) == NULL)
			break;
		sc->n++;
	}
	fclose(f);
	return 0;
}

static void
script_free(struct script *sc)
{
	int i;
	for (i = 0; i < sc->n; i++)
		free(sc->lines[i]);
	free(sc->lines);
}

static void script_fail(struct script *sc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
script_fail(struct script *sc, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kiosk touch: script line %d (%s): ", sc->pc + 1,
	    sc->pc < sc->n ? sc->lines[sc->pc] : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	sc->failed = 1;
	sc->done = 1;
}

static void
push_tap(int x, int y)
{
	SDL_Event e;

	memset(&e, 0, sizeof e);
	e.type = SDL_MOUSEBUTTONDOWN;
	e.button.timestamp = SDL_GetTicks();
	e.button.which = 0;
	e.button.button = SDL_BUTTON_LEFT;
	e.button.state = SDL_PRESSED;
	e.button.clicks = 1;
	e.button.x = x;
	e.button.y = y;
	SDL_PushEvent(&e);
	e.type = SDL_MOUSEBUTTONUP;
	e.button.state = SDL_RELEASED;
	SDL_PushEvent(&e);
}

static int
push_key(const char *name)
{
	SDL_Event e;
	SDL_Keycode k;
	Uint16 mod = 0;

	if (!strncmp(name, "alt+", 4)) {
		mod = KMOD_LALT;
		name += 4;
	}
	if ((k = SDL_GetKeyFromName(name)) == SDLK_UNKNOWN)
		return -1;
	memset(&e, 0, sizeof e);
	e.type = SDL_KEYDOWN;
	e.key.timestamp = SDL_GetTicks();
	e.key.state = SDL_PRESSED;
	e.key.keysym.sym = k;
	e.key.keysym.scancode = SDL_GetScancodeFromKey(k);
	e.key.keysym.mod = mod;
	SDL_PushEvent(&e);
	e.type = SDL_KEYUP;
	e.key.state = SDL_RELEASED;
	SDL_PushEvent(&e);
	return 0;
}

/* A keyboard-wedge QR scanner: each character as a key press and the text
 * it types, all at once (a few ms apart at most), then Enter. */
static void
push_scan(const char *text)
{
	SDL_Event e;
	const char *p = text;

	while (*p) {
		size_t n = 1;
		unsigned char c = (unsigned char)*p;
		SDL_Keycode k = SDLK_UNKNOWN;
		while ((p[n] & 0xC0) == 0x80) /* a whole UTF-8 character */
			n++;
		if (c >= 'A' && c <= 'Z')
			k = SDLK_a + (c - 'A');
		else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '*' || c == '-')
			k = (SDL_Keycode)c;
		memset(&e, 0, sizeof e);
		e.type = SDL_KEYDOWN;
		e.key.timestamp = SDL_GetTicks();
		e.key.state = SDL_PRESSED;
		e.key.keysym.sym = k;
		e.key.keysym.scancode = SDL_GetScancodeFromKey(k);
		e.key.keysym.mod = c >= 'A' && c <= 'Z' ? KMOD_LSHIFT : 0;
		SDL_PushEvent(&e);
		memset(&e, 0, sizeof e);
		e.type = SDL_TEXTINPUT;
		e.text.timestamp = SDL_GetTicks();
		if (n < sizeof e.text.text)
			memcpy(e.text.text, p, n);
		SDL_PushEvent(&e);
		p += n;
	}
	push_key("Return");
}

/* Where a tap argument points: "X Y" or "@target". 0 or -1. */
static int
tap_point(struct ui *u, const char *arg, int *x, int *y)
{
	if (arg[0] == '@') {
		const struct ui_target *t = ui_find_target(u, arg + 1);
		if (t == NULL)
			return -1;
		*x = t->r.x + t->r.w / 2;
		*y = t->r.y + t->r.h / 2;
		return 0;
	}
	return sscanf(arg, "%d %d", x, y) == 2 ? 0 : -1;
}

/*
 * Run script lines until one must wait. The frame is drawn (ui not dirty)
 * whenever this runs, so targets are the ones on screen.
 */
static void
script_step(struct script *sc, struct ui *u, struct screen *scr, int64_t now, int *quit)
{
	while (!sc->done && sc->pc < sc->n) {
		char *l = sc->lines[sc->pc], verb[32] = "", *arg;
		int x, y;

		if (sc->resume > now)
			return;
		sscanf(l, "%31s", verb);
		arg = l + strlen(verb);
		while (*arg == ' ' || *arg == '\t')
			arg++;
		if (verb[0] == '\0' || verb[0] == '#') {
			sc->pc++;
			continue;
		}
		if (!strcmp(verb, "wait")) {
			char want[64];
			int ms = SCRIPT_WAIT_MS;
			if (sscanf(arg, "%63s %d", want, &ms) < 1) {
				script_fail(sc, "wait what?");
				return;
			}
			if (ui_state_is(u, want)) {
				sc->deadline = 0;
				sc->pc++;
				continue;
			}
			if (sc->deadline == 0)
				sc->deadline = now + ms;
			if (now >= sc->deadline) {
				script_fail(sc, "still on screen '%s%s' after %d ms",
				    ui_screen_name(ui_screen(u)), ui_idle_showing(u) ? " + idle" : "", ms);
			}
			return;
		} else if (!strcmp(verb, "tap") || !strcmp(verb, "doubletap")) {
			int ready;
			if (tap_point(u, arg, &x, &y) != 0) {
				/* not on this page of a long list: turn pages as a person would */
				const struct ui_target *nx = ui_find_target(u, "next");
				if (arg[0] == '@' && nx && sc->pages++ < 20 && ui_tap_ready(u) <= now) {
					push_tap(nx->r.x + nx->r.w / 2, nx->r.y + nx->r.h / 2);
					return;
				}
				if (arg[0] == '@' && nx && sc->pages <= 20) {
					sc->resume = ui_tap_ready(u);
					return;
				}
				script_fail(sc, "no such target on screen '%s'", ui_screen_name(ui_screen(u)));
				return;
			}
			sc->pages = 0;
			/* a person cannot tap a screen faster than it appears: wait for
			 * the tap guard like a person would (a known deadline) */
			ready = (int)(ui_tap_ready(u) - now);
			if (ready > 0) {
				sc->resume = now + ready;
				return;
			}
			push_tap(x, y);
			if (verb[0] == 'd')
				push_tap(x, y);
			sc->pc++;
			return; /* let the loop handle the events */
		} else if (!strcmp(verb, "key")) {
			if (push_key(arg) != 0) {
				script_fail(sc, "unknown key name");
				return;
			}
			sc->pc++;
			return;
		} else if (!strcmp(verb, "type")) {
			const char *p;
			for (p = arg; *p; p++) {
				char k[2] = { *p, 0 };
				push_key(k);
			}
			sc->pc++;
			return;
		} else if (!strcmp(verb, "scan")) {
			push_scan(arg);
			sc->pc++;
			return;
		} else if (!strcmp(verb, "screenshot")) {
			if (screenshot(scr, arg) != 0) {
				script_fail(sc, "cannot write the screenshot");
				return;
			}
		} else if (!strcmp(verb, "expect-text") || !strcmp(verb, "expect-no-text")) {
			int has = ui_has_text(u, arg);
			if (has != (verb[7] == 't')) {
				script_fail(sc, "text %s on screen '%s'", has ? "found" : "not found",
				    ui_screen_name(ui_screen(u)));
				return;
			}
		} else if (!strcmp(verb, "expect-target") || !strcmp(verb, "expect-no-target")) {
			int has = ui_find_target(u, arg) != NULL;
			if (has != (verb[7] == 't')) {
				script_fail(sc, "target %s", has ? "present" : "absent");
				return;
			}
		} else if (!strcmp(verb, "expect-speech")) {
			if (strstr(sc->last_speech, arg) == NULL) {
				script_fail(sc, "not said; last speech was: %.200s", sc->last_speech);
				return;
			}
		} else if (!strcmp(verb, "wait-ready")) {
			/* until a tap would be taken (the guard after a screen change) */
			if (now < ui_tap_ready(u)) {
				sc->resume = ui_tap_ready(u);
				return;
			}
		} else if (!strcmp(verb, "wait-file")) {
			/* the test's shell acted (stopped a server...): a file says so */
			char path[512];
			int ms = SCRIPT_WAIT_MS;
			if (sscanf(arg, "%511s %d", path, &ms) < 1) {
				script_fail(sc, "wait-file what?");
				return;
			}
			if (access(path, F_OK) != 0) {
				if (sc->deadline == 0)
					sc->deadline = now + ms;
				if (now >= sc->deadline)
					script_fail(sc, "no file after %d ms", ms);
				else
					sc->resume = now + 20; /* look again soon: test hook only */
				return;
			}
			sc->deadline = 0;
		} else if (!strcmp(verb, "log")) {
			fprintf(stderr, "script: %s\n", arg);
		} else if (!strcmp(verb, "quit")) {
			sc->done = 1;
			*quit = 1;
			return;
		} else {
			script_fail(sc, "unknown command '%s'", verb);
			return;
		}
		sc->pc++;
	}
	if (sc->pc >= sc->n && !sc->done) {
		sc->done = 1;
		*quit = 1;
	}
}

/* ---- the command ------------------------------------------------------------- */

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: kiosk touch --server URL --device-key KEY --printer SPEC [options]\n"
	    "\n"
	    "The touchscreen kiosk: applicants choose their language and procedure and\n"
	    "get a printed ticket.\n"
	    "\n"
	    "  --server URL        the queue server, e.g. http://127.0.0.1:8080\n"
	    "  --device-key KEY    this kiosk's key (kiosk admin device add NAME);\n"
	    "                      default: the environment variable KIOSK_DEVICE_KEY\n"
	    "  --printer SPEC      file:OUT.bin[?status=paper_out...], usb:/dev/usb/lp0, tcp:HOST:9100\n"
	    "  --fullscreen        take the whole screen and lock it down (kiosk mode)\n"
	    "  --size WxH          window size (default 1080x1920; ignored with --fullscreen)\n"
	    "  --dpi N             the screen's dots per inch, for 15 mm targets (default 96)\n"
	    "  --admin-pin PIN     4 to 12 digits to leave the app (five taps in the top-left\n"
	    "                      corner, then the PIN); default: KIOSK_ADMIN_PIN. Without one\n"
	    "                      the app can only be stopped by a signal\n"
	    "  --idle S            seconds without a touch before the countdown (default 60)\n"
	    "  --countdown S       length of the countdown (default 20)\n"
	    "  --poll S            ask the server for its menu every S seconds (default 30;\n"
	    "                      every 5 s, or S if less, while it cannot be reached)\n"
	    "  --cafile FILE       CA certificate of an HTTPS server\n"
	    "  --po DIR            translations (default: assets/po)\n"
	    "  --fonts DIR         fonts (default: Debian's Noto directories)\n"
	    "  --no-audio          never play speech (the speech log still works)\n"
	    "  --speech-log FILE   append every sentence spoken (LANG, voice, text), and\n"
	    "                      '#said VOICE BYTES' when its sound was made\n"
	    "  --stats             print timings: first frame, input to frame\n"
	    "  --script FILE       test hook: run the input script in FILE, then quit\n"
	    "\n"
	    "Keys: arrows move, Enter chooses, 1-9 pick a numbered choice, Backspace goes\n"
	    "back, F1 or keypad '+' reads the screen aloud, F2 large text, F3 contrast.\n"
	    "A USB QR scanner (keyboard wedge) can scan an earlier attestation de passage\n"
	    "at any step of a visit: it is sent along when the service is full.\n"
	    "\n"
	    "Script lines (test hook): wait SCREEN[:STATE] [MS] | tap X Y | tap @TARGET |\n"
	    "doubletap @TARGET | key NAME (SDL key name, alt+F4...) | type TEXT (keys) |\n"
	    "scan TEXT (a QR scanner: keys and text in one burst, then Enter) |\n"
	    "wait-file PATH [MS] | wait-ready (the tap guard has passed) |\n"
	    "screenshot FILE.png | expect-text TEXT | expect-no-text TEXT |\n"
	    "expect-target NAME | expect-no-target NAME | expect-speech TEXT | log TEXT | quit\n"
	    "Screens: loading welcome language procedure guide priority holder confirm\n"
	    "issuing ticket[:printing|:printed|:failed] server-down printer closed\n"
	    "full[:...] refused pin admin, and 'idle' for the countdown.\n");
}

/* Take what the worker left in its slot and give it to the ui. */
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
lay_out_and_print(struct worker *w, struct fonts *f, const struct client_ticket *t)
{
	struct dispense_slip *ds = calloc(1, sizeof *ds);
	struct bitmap *b = NULL, *copy;
	char err[256] = "out of memory";

	/* the worker takes a print before any new issue, and the next print can
	 * only follow that issue: there is never a print waiting here */
	/* dispense_render() without touching the worker's printer handle */
	if (ds && (dispense_fill(ds, t, NULL, err, sizeof err) != 0 ||
	    (b = ticket_render(&ds->view, w->dots, w->dpi, f, err, sizeof err)) == NULL))
		log_warnx("touch: slip %s cannot be laid out: %s", t->number, err);
	free(ds);
	copy = bitmap_copy(b);
	pthread_mutex_lock(&w->mu);
	if (w->has_print)
		log_warnx("touch: slip %s was never printed (replaced)", w->print_t.number);
	w->print_t = *t;
	bitmap_free(w->print_b);
	w->print_b = b;
	snprintf(w->print_err, sizeof w->print_err, "%s", b ? "" : err);
	w->has_print = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return copy;
}

static void
take_results(struct worker *w, struct ui *u, struct fonts *f, int64_t now)
{
	struct client_menu *menu = NULL;
	struct client_ticket *t = NULL;
	int menu_ready, pst_ready, issued_ready, printed_ready, issue_slip = 0, printed_ok = 0;
	enum client_rc menu_rc = CLIENT_OK, issue_rc = CLIENT_OK;
	enum escpos_state pst = ESCPOS_UNKNOWN, printed_st = ESCPOS_UNKNOWN;
	char menu_err[256], pst_reason[192], issue_err[256], issue_code[32], printed_reason[192];

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
		w->issued_ready = 0;
	} else {
		issued_ready = 0;
	}
	printed_ready = w->printed_ready;
	if (printed_ready) {
		printed_ok = w->printed_ok;
		printed_st = w->printed_st;
		memcpy(printed_reason, w->printed_reason, sizeof printed_reason);
		w->printed_ready = 0;
	}
	pthread_mutex_unlock(&w->mu);

	if (menu_ready) {
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
			ui_issued(u, t, lay_out_and_print(w, f, t), now);
		else
			ui_issue_failed(u, issue_rc, issue_code, issue_err, now);
		sodium_memzero(t, sizeof *t);
		free(t);
	}
	if (printed_ready)
		ui_printed(u, printed_ok, printed_st, printed_reason, now);
}

static int
parse_size(const char *s, int *w, int *h)
{
	return sscanf(s, "%dx%d", w, h) == 2 && *w >= 320 && *h >= 240 && *w <= 8192 && *h <= 8192 ?
	    0 : -1;
}

/* "HH:MM" now, and the ms until the next minute. */
static int64_t
clock_now(char *out, size_t len)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(out, len, "%H:%M", &tm);
	return (int64_t)(60 - tm.tm_sec) * 1000 - ts.tv_nsec / 1000000;
}

int
cmd_touch(int argc, char **argv)
{
	const char *server = NULL, *key = NULL, *spec = NULL, *pin = NULL, *cafile = NULL;
	const char *podir = NULL, *fontdir = NULL, *scriptpath = NULL, *speechlog = NULL;
	char pobuf[4096], err[512], hhmm[8];
	int fullscreen = 0, w = 1080, h = 1920, dpi = 96, idle = 0, countdown = 0, stats = 0;
	int poll = POLL_OK_MS / 1000;
	int audio = 1, i, rc = 1, quit = 0, first = 1, pin_arg = -1;
	double t0 = mono_ms_f(), input_at = 0;
	struct worker wk;
	struct speaker sp;
	struct screen scr;
	struct script sc;
	struct ui *u = NULL;
	struct fonts *fonts = NULL;
	struct ui_config cfg;
	int64_t next_minute = 0;
	int wk_on = 0, sp_on = 0, sdl_on = 0, broken = 0;

	memset(&wk, 0, sizeof wk);
	memset(&sp, 0, sizeof sp);
	memset(&scr, 0, sizeof scr);
	memset(&sc, 0, sizeof sc);
	memset(&cfg, 0, sizeof cfg);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **dst = NULL;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--fullscreen")) {
			fullscreen = 1;
			continue;
		} else if (!strcmp(a, "--stats")) {
			stats = 1;
			continue;
		} else if (!strcmp(a, "--no-audio")) {
			audio = 0;
			continue;
		} else if (i + 1 < argc) {
			if (!strcmp(a, "--server")) dst = &server;
			else if (!strcmp(a, "--device-key")) dst = &key;
			else if (!strcmp(a, "--printer")) dst = &spec;
			else if (!strcmp(a, "--admin-pin")) { dst = &pin; pin_arg = i + 1; }
			else if (!strcmp(a, "--cafile")) dst = &cafile;
			else if (!strcmp(a, "--po")) dst = &podir;
			else if (!strcmp(a, "--fonts")) dst = &fontdir;
			else if (!strcmp(a, "--script")) dst = &scriptpath;
			else if (!strcmp(a, "--speech-log")) dst = &speechlog;
			else if (!strcmp(a, "--size")) {
				if (parse_size(argv[++i], &w, &h) != 0) {
					fprintf(stderr, "kiosk touch: --size wants WxH, e.g. 1080x1920\n");
					return 1;
				}
				continue;
			} else if (!strcmp(a, "--dpi") || !strcmp(a, "--idle") || !strcmp(a, "--countdown") ||
			    !strcmp(a, "--poll")) {
				int v = atoi(argv[++i]);
				if (v <= 0 || v > 100000) {
					fprintf(stderr, "kiosk touch: %s wants a positive number\n", a);
					return 1;
				}
				*(a[2] == 'd' ? &dpi : a[2] == 'i' ? &idle : a[2] == 'p' ? &poll : &countdown) = v;
				continue;
			}
		}
		if (dst == NULL) {
			fprintf(stderr, "kiosk touch: unknown option or missing value: '%s'\n\n", a);
			usage(stderr);
			return 1;
		}
		*dst = argv[++i];
	}
	if (key == NULL)
		key = getenv("KIOSK_DEVICE_KEY");
	if (pin == NULL)
		pin = getenv("KIOSK_ADMIN_PIN");
	if (server == NULL || key == NULL || *key == '\0' || spec == NULL) {
		fprintf(stderr, "kiosk touch: give --server, --device-key and --printer\n\n");
		usage(stderr);
		return 1;
	}

	/* local set-up first: translations, fonts, printer spec, server URL */
	if (podir == NULL) {
		serve_default_dir(argv[0], "po", pobuf, sizeof pobuf);
		podir = pobuf;
	}
	if (i18n_load(podir, err, sizeof err) != 0) {
		fprintf(stderr, "kiosk touch: translations: %s\n", err);
		return 1;
	}
	if ((wk.printer = printer_open(spec, err, sizeof err)) == NULL) {
		fprintf(stderr, "kiosk touch: printer: %s\n", err);
		goto out;
	}
	wk.dots = printer_profile(wk.printer)->dots;
	wk.dpi = printer_profile(wk.printer)->dpi;
	if ((wk.client = client_new(server, key, err, sizeof err)) == NULL) {
		fprintf(stderr, "kiosk touch: %s\n", err);
		goto out;
	}
	if (cafile)
		client_set_cafile(wk.client, cafile);
	if ((fonts = fonts_open(fontdir, err, sizeof err)) == NULL) {
		fprintf(stderr, "kiosk touch: fonts: %s\n", err);
		goto out;
	}
	if (scriptpath && script_load(&sc, scriptpath) != 0) {
		fprintf(stderr, "kiosk touch: cannot read %s: %s\n", scriptpath, strerror(errno));
		goto out;
	}

	/* the window */
	if (fullscreen)
		SDL_SetHint(SDL_HINT_GRAB_KEYBOARD, "1");
	/* closing the window (Alt-F4 under a window manager) must not quit a
	 * locked kiosk; SIGTERM and SIGINT still arrive as SDL_QUIT */
	SDL_SetHint(SDL_HINT_QUIT_ON_LAST_WINDOW_CLOSE, fullscreen ? "0" : "1");
	SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "1");
	/* our pixels go straight to the display (X11: shared memory); where the
	 * video driver has no such path (Wayland) SDL uses a texture anyway */
	SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
	if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
		fprintf(stderr, "kiosk touch: no display: %s\n", SDL_GetError());
		goto out;
	}
	sdl_on = 1;
	if (audio && SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
		log_warnx("touch: no audio (%s): speech is off", SDL_GetError());
		audio = 0;
	}
	scr.win = SDL_CreateWindow("Accueil — borne", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
	    w, h, fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : SDL_WINDOW_RESIZABLE);
	if (scr.win == NULL || SDL_GetWindowSurface(scr.win) == NULL) {
		fprintf(stderr, "kiosk touch: window: %s\n", SDL_GetError());
		goto out;
	}
	if (fullscreen) {
		SDL_SetWindowGrab(scr.win, SDL_TRUE);
		SDL_ShowCursor(SDL_DISABLE);
	}
	/* the text keys type: a QR scanner's payload arrives that way (SDL
	 * starts it on desktops anyway; say so rather than rely on it) */
	SDL_StartTextInput();
	SDL_GetWindowSize(scr.win, &w, &h);
	if (screen_alloc(&scr, w, h) != 0 ||
	    (scr.painter = ui_painter_new(fonts, 0)) == NULL) {
		fprintf(stderr, "kiosk touch: cannot draw: %s\n", SDL_GetError());
		goto out;
	}

	cfg.dpi = dpi;
	cfg.idle_s = idle;
	cfg.countdown_s = countdown;
	cfg.version = "1.0.0";
	if ((u = ui_new(&cfg, fonts, w, h, (int64_t)SDL_GetTicks64())) == NULL) {
		fprintf(stderr, "kiosk touch: out of memory\n");
		goto out;
	}
	if (pin) {
		if (ui_set_pin(u, pin) != 0) {
			fprintf(stderr, "kiosk touch: the admin PIN must be 4 to 12 digits\n");
			goto out;
		}
		/* keep only the hash: wipe the clear PIN where we can */
		if (pin_arg > 0)
			memset(argv[pin_arg], 'x', strlen(argv[pin_arg]));
		unsetenv("KIOSK_ADMIN_PIN");
		pin = NULL;
	} else if (fullscreen) {
		log_warnx("touch: no admin PIN: the kiosk can only be stopped by a signal");
	}

	/* threads: the worker (server and printer), the speaker */
	if ((wk.ev = SDL_RegisterEvents(1)) == (Uint32)-1) {
		fprintf(stderr, "kiosk touch: no SDL user event left\n");
		goto out;
	}
	wk.poll_ok_ms = poll * 1000;
	wk.poll_bad_ms = poll < POLL_BAD_MS / 1000 ? poll * 1000 : POLL_BAD_MS;
	if (worker_start(&wk) != 0) {
		fprintf(stderr, "kiosk touch: cannot start the worker thread\n");
		goto out;
	}
	wk_on = 1;
	if (speaker_start(&sp, speechlog, audio) == 0)
		sp_on = 1;
	log_info("touch: %dx%d at %d dpi, server %s, printer %s%s", w, h, dpi, server, spec,
	    fullscreen ? ", locked fullscreen" : "");

	while (!quit) {
		int64_t now = (int64_t)SDL_GetTicks64(), deadline, dl;
		struct ui_action act;
		SDL_Event ev;
		int got, timeout;

		if (now >= next_minute) {
			next_minute = now + clock_now(hhmm, sizeof hhmm);
			ui_clock(u, hhmm);
		}
		ui_tick(u, now);
		if (ui_dirty(u) || scr.full || scr.push) {
			screen_draw(&scr, u, now);
			if (first) {
				first = 0;
				if (stats)
					fprintf(stderr, "stats: first-frame-ms %.1f (layout %.1f, paint %.1f)\n",
					    mono_ms_f() - t0, scr.t_layout, scr.t_paint);
			}
			if (input_at > 0) {
				if (stats)
					fprintf(stderr, "stats: input-to-frame-ms %.2f %s (layout %.1f, paint %.1f, "
					    "%dx%d px)\n", mono_ms_f() - input_at, ui_screen_name(ui_screen(u)),
					    scr.t_layout, scr.t_paint, scr.last_dirty.w, scr.last_dirty.h);
				input_at = 0;
			}
		}
		while (ui_next_action(u, &act)) {
			switch (act.kind) {
			case UI_ACT_ISSUE:
				pthread_mutex_lock(&wk.mu);
				if (wk.has_job) {
					/* cannot happen: the ui waits for the answer before it
					 * can ask again. Never two tickets. */
					log_warnx("touch: an issue is already waiting: request dropped");
				} else {
					/* queued even while the last slip still prints */
					wk.job = act;
					wk.has_job = 1;
					pthread_cond_signal(&wk.cv);
				}
				pthread_mutex_unlock(&wk.mu);
				break;
			case UI_ACT_REFRESH:
				pthread_mutex_lock(&wk.mu);
				wk.refresh = 1;
				pthread_cond_signal(&wk.cv);
				pthread_mutex_unlock(&wk.mu);
				break;
			case UI_ACT_SPEAK:
				if (scriptpath && act.speech)
					snprintf(sc.last_speech, sizeof sc.last_speech, "%s", act.speech);
				if (sp_on) {
					speaker_say(&sp, act.speech);
					act.speech = NULL;
				}
				break;
			case UI_ACT_HUSH:
				if (sp_on)
					speaker_say(&sp, NULL);
				break;
			case UI_ACT_QUIT:
				log_info("touch: the admin quit the kiosk");
				quit = 1;
				break;
			}
			free(act.speech);
			sodium_memzero(&act, sizeof act);
		}
		if (scriptpath && !ui_dirty(u) && !quit) {
			script_step(&sc, u, &scr, now, &quit);
			if (sc.failed)
				break;
		}
		if (quit)
			break;

		/* wait for an event or the next deadline; never spin */
		deadline = next_minute;
		if ((dl = ui_next_deadline(u)) >= 0 && dl < deadline)
			deadline = dl;
		if (scriptpath && sc.deadline && sc.deadline < deadline)
			deadline = sc.deadline;
		if (scriptpath && sc.resume > now && sc.resume < deadline)
			deadline = sc.resume;
		timeout = deadline <= now ? 0 : (int)(deadline - now);
		if (ui_dirty(u))
			timeout = 0;
		got = SDL_WaitEventTimeout(&ev, timeout);
		while (got) {
			now = (int64_t)SDL_GetTicks64();
			if (ev.type == SDL_QUIT) {
				log_info("touch: stopped by a signal");
				quit = 1;
				rc = 0;
			} else if (ev.type == wk.ev) {
				take_results(&wk, u, fonts, now);
			} else if (ev.type == SDL_MOUSEBUTTONDOWN && ev.button.which != SDL_TOUCH_MOUSEID &&
			    ev.button.button == SDL_BUTTON_LEFT) {
				input_at = mono_ms_f();
				ui_tap(u, ev.button.x, ev.button.y, now);
			} else if (ev.type == SDL_FINGERDOWN) {
				input_at = mono_ms_f();
				ui_tap(u, (int)(ev.tfinger.x * scr.w), (int)(ev.tfinger.y * scr.h), now);
			} else if (ev.type == SDL_KEYDOWN) {
				int k = map_key(&ev.key.keysym);
				char text[sizeof ev.text.text] = "";
				SDL_Event te;
				/* the characters the press typed (as the keyboard layout
				 * makes them) are queued right behind it: the ui needs both
				 * to tell a QR scanner's burst from a person */
				if (SDL_PeepEvents(&te, 1, SDL_PEEKEVENT, SDL_FIRSTEVENT, SDL_LASTEVENT) == 1 &&
				    te.type == SDL_TEXTINPUT &&
				    SDL_PeepEvents(&te, 1, SDL_GETEVENT, SDL_TEXTINPUT, SDL_TEXTINPUT) == 1)
					snprintf(text, sizeof text, "%s", te.text.text);
				/* a held key must not choose twice */
				if (ev.key.repeat && !(k >= UI_KEY_UP && k <= UI_KEY_RIGHT)) {
					k = 0;
					text[0] = '\0';
				}
				if (k || text[0]) {
					input_at = mono_ms_f();
					ui_keypress(u, (enum ui_key)k, text, now);
				}
			} else if (ev.type == SDL_TEXTINPUT) {
				/* text with no key press before it (an input method) */
				ui_keypress(u, UI_KEY_NONE, ev.text.text, now);
			} else if (ev.type == SDL_WINDOWEVENT) {
				if (ev.window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
					int nw, nh;
					SDL_GetWindowSize(scr.win, &nw, &nh);
					if (nw != scr.w || nh != scr.h) {
						if (screen_alloc(&scr, nw, nh) != 0) {
							fprintf(stderr, "kiosk touch: out of memory\n");
							quit = broken = 1;
						}
						ui_resize(u, nw, nh, 0, now);
					}
				} else if (ev.window.event == SDL_WINDOWEVENT_EXPOSED) {
					scr.push = 1; /* our pixels are intact: show them again */
				}
			}
			got = SDL_PollEvent(&ev);
		}
	}
	if (scriptpath && sc.failed) {
		char shot[256];
		snprintf(shot, sizeof shot, "%s.fail.png", scriptpath);
		if (!ui_dirty(u) || (screen_draw(&scr, u, (int64_t)SDL_GetTicks64()), 1))
			screenshot(&scr, shot);
		fprintf(stderr, "kiosk touch: script failed; the screen is in %s\n", shot);
		rc = 3;
	} else {
		rc = broken;
	}
out:
	if (sp_on)
		speaker_stop(&sp);
	if (wk_on)
		worker_stop(&wk);
	ui_free(u);
	ui_painter_free(scr.painter);
	SDL_FreeSurface(scr.own);
	free(scr.cv.px);
	if (scr.win)
		SDL_DestroyWindow(scr.win);
	if (sdl_on)
		SDL_Quit();
	script_free(&sc);
	fonts_free(fonts);
	client_free(wk.client);
	printer_close(wk.printer);
	i18n_free();
	return rc;
}

/*
 * window: see window.h.
 *
 * The window is shown through SDL's window surface: our own ARGB buffer is
 * painted by the ui's painter, and only the rectangle that changed is
 * copied to the window and pushed (SDL_UpdateWindowSurfaceRects: XShmPutImage
 * of that rectangle on X11). No OpenGL renderer: a software GL stack
 * (llvmpipe) would cost tens of megabytes and a full-window copy on every
 * frame.
 */
#include <SDL.h>
#include <png.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "sdl/window.h"

struct window {
	SDL_Window *win;     /* the window */
	SDL_Surface *own;    /* our pixels (cv.px) seen as an SDL surface */
	struct ui_canvas cv; /* our pixels */
	int full;            /* 1: repaint and show everything next time */
	int push;            /* 1: show everything again (uncovered) */
	Uint32 wake_ev;      /* our SDL user event type; read-only after window_open */
};

/* (Re)allocate the canvas at w by h. 0 or -1. */
static int
canvas_alloc(struct window *s, int w, int h)
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
	s->full = 1;
	return 0;
}

/* SDL's hints, set before SDL_Init. */
static void
set_hints(int fullscreen)
{
	if (fullscreen)
		SDL_SetHint(SDL_HINT_GRAB_KEYBOARD, "1");
	/* closing the window (Alt-F4 under a window manager) must not quit a
	 * locked kiosk; SIGTERM and SIGINT still arrive as SDL_QUIT */
	SDL_SetHint(SDL_HINT_QUIT_ON_LAST_WINDOW_CLOSE, fullscreen ? "0" : "1");
	SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "1");
	/* our pixels go straight to the display (X11: shared memory); where the
	 * video driver has no such path (Wayland) SDL uses a texture anyway */
	SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
}

struct window *
window_open(const struct window_config *cfg, char *err, size_t errlen)
{
	struct window *w;
	int width, height;

	set_hints(cfg->fullscreen);
	if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
		errf(err, errlen, "no display: %s", SDL_GetError());
		return NULL;
	}
	if ((w = calloc(1, sizeof *w)) == NULL) {
		errf(err, errlen, "out of memory");
		SDL_Quit();
		return NULL;
	}
	if ((w->wake_ev = SDL_RegisterEvents(1)) == (Uint32)-1) {
		errf(err, errlen, "no SDL user event left");
		goto fail;
	}
	w->win = SDL_CreateWindow(cfg->title, SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
	    cfg->w, cfg->h, cfg->fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : SDL_WINDOW_RESIZABLE);
	if (w->win == NULL || SDL_GetWindowSurface(w->win) == NULL) {
		errf(err, errlen, "window: %s", SDL_GetError());
		goto fail;
	}
	if (cfg->fullscreen) {
		SDL_SetWindowGrab(w->win, SDL_TRUE);
		SDL_ShowCursor(SDL_DISABLE);
	}
	/* the text keys type: a QR scanner's payload arrives that way (SDL
	 * starts it on desktops anyway; say so rather than rely on it) */
	SDL_StartTextInput();
	SDL_GetWindowSize(w->win, &width, &height);
	if (canvas_alloc(w, width, height) != 0) {
		errf(err, errlen, "cannot draw: %s", SDL_GetError());
		goto fail;
	}
	return w;
fail:
	window_close(w);
	return NULL;
}

void
window_close(struct window *w)
{
	if (w == NULL)
		return;
	SDL_FreeSurface(w->own);
	free(w->cv.px);
	if (w->win)
		SDL_DestroyWindow(w->win);
	free(w);
	SDL_Quit();
}

void
window_size(const struct window *w, int *width, int *height)
{
	*width = w->cv.w;
	*height = w->cv.h;
}

int
window_needs_frame(const struct window *w)
{
	return w->full || w->push;
}

struct ui_canvas *
window_canvas(struct window *w, int *full)
{
	*full = w->full;
	return &w->cv;
}

void
window_show(struct window *w, struct rect *d)
{
	SDL_Surface *ws;
	SDL_Rect r;

	if (w->full || w->push) {
		d->x = d->y = 0;
		d->w = w->cv.w;
		d->h = w->cv.h;
	}
	w->full = w->push = 0;
	if (d->w <= 0 || d->h <= 0)
		return;
	if ((ws = SDL_GetWindowSurface(w->win)) == NULL) {
		log_warnx("window: no window surface: %s", SDL_GetError());
		return;
	}
	r.x = d->x, r.y = d->y, r.w = d->w, r.h = d->h;
	if (SDL_BlitSurface(w->own, &r, ws, &r) != 0 || SDL_UpdateWindowSurfaceRects(w->win, &r, 1) != 0)
		log_warnx("window: cannot show the frame: %s", SDL_GetError());
}

int
window_screenshot(const struct window *w, const char *path)
{
	png_image img;
	size_t i, n = (size_t)w->cv.w * w->cv.h;
	unsigned char *rgb = malloc(n * 3);
	int ok;

	if (rgb == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		uint32_t p = w->cv.px[i];
		rgb[3 * i] = (unsigned char)(p >> 16);
		rgb[3 * i + 1] = (unsigned char)(p >> 8);
		rgb[3 * i + 2] = (unsigned char)p;
	}
	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	img.width = (png_uint_32)w->cv.w;
	img.height = (png_uint_32)w->cv.h;
	img.format = PNG_FORMAT_RGB;
	ok = png_image_write_to_file(&img, path, 0, rgb, w->cv.w * 3, NULL);
	free(rgb);
	if (!ok)
		log_warnx("window: screenshot %s: %s", path, img.message);
	return ok ? 0 : -1;
}

/* ---- input ----------------------------------------------------------------- */

/* An SDL key to a ui key; UI_KEY_NONE when it means nothing to the public. */
static enum ui_key
map_key(const SDL_Keysym *k)
{
	SDL_Keycode c = k->sym;

	if (k->mod & (KMOD_ALT | KMOD_CTRL | KMOD_GUI))
		return UI_KEY_NONE; /* Alt-F4, Ctrl-Q...: nothing */
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
	return UI_KEY_NONE;
}

/* A key press, with the characters it typed (as the keyboard layout makes
 * them), which SDL queues right behind it: the ui needs both to tell a QR
 * scanner's burst from a person. */
static void
key_event(const SDL_KeyboardEvent *k, struct window_event *out)
{
	SDL_Event te;

	out->key = map_key(&k->keysym);
	if (SDL_PeepEvents(&te, 1, SDL_PEEKEVENT, SDL_FIRSTEVENT, SDL_LASTEVENT) == 1 &&
	    te.type == SDL_TEXTINPUT &&
	    SDL_PeepEvents(&te, 1, SDL_GETEVENT, SDL_TEXTINPUT, SDL_TEXTINPUT) == 1)
		snprintf(out->text, sizeof out->text, "%s", te.text.text);
	/* a held key must not choose twice */
	if (k->repeat && !(out->key >= UI_KEY_UP && out->key <= UI_KEY_RIGHT)) {
		out->key = UI_KEY_NONE;
		out->text[0] = '\0';
	}
	if (out->key != UI_KEY_NONE || out->text[0])
		out->kind = WINDOW_KEY;
}

/* The window changed: a new size, or uncovered. */
static void
window_event(struct window *w, const SDL_WindowEvent *e, struct window_event *out)
{
	int nw, nh;

	if (e->event == SDL_WINDOWEVENT_EXPOSED) {
		w->push = 1; /* our pixels are intact: show them again */
		return;
	}
	if (e->event != SDL_WINDOWEVENT_SIZE_CHANGED)
		return;
	SDL_GetWindowSize(w->win, &nw, &nh);
	if (nw == w->cv.w && nh == w->cv.h)
		return;
	if (canvas_alloc(w, nw, nh) != 0) {
		out->kind = WINDOW_BROKEN;
		return;
	}
	out->kind = WINDOW_RESIZED;
	out->x = nw;
	out->y = nh;
}

/* An SDL event in the ui's words. */
static void
translate(struct window *w, const SDL_Event *ev, struct window_event *out)
{
	memset(out, 0, sizeof *out);
	if (ev->type == SDL_QUIT) {
		out->kind = WINDOW_QUIT;
	} else if (ev->type == w->wake_ev) {
		out->kind = WINDOW_WAKE;
		out->code = ev->user.code;
	} else if (ev->type == SDL_MOUSEBUTTONDOWN && ev->button.which != SDL_TOUCH_MOUSEID &&
	    ev->button.button == SDL_BUTTON_LEFT) {
		out->kind = WINDOW_TAP;
		out->x = ev->button.x;
		out->y = ev->button.y;
	} else if (ev->type == SDL_FINGERDOWN) {
		out->kind = WINDOW_TAP;
		out->x = (int)(ev->tfinger.x * w->cv.w);
		out->y = (int)(ev->tfinger.y * w->cv.h);
	} else if (ev->type == SDL_KEYDOWN) {
		key_event(&ev->key, out);
	} else if (ev->type == SDL_TEXTINPUT) {
		/* text with no key press before it (an input method) */
		out->kind = WINDOW_KEY;
		snprintf(out->text, sizeof out->text, "%s", ev->text.text);
	} else if (ev->type == SDL_WINDOWEVENT) {
		window_event(w, &ev->window, out);
	}
}

int
window_wait(struct window *w, int timeout_ms, struct window_event *out)
{
	SDL_Event ev;

	if (!(timeout_ms > 0 ? SDL_WaitEventTimeout(&ev, timeout_ms) : SDL_PollEvent(&ev)))
		return 0;
	translate(w, &ev, out);
	return 1;
}

void
window_wake(void *arg, int code)
{
	struct window *w = arg;
	SDL_Event e;

	memset(&e, 0, sizeof e);
	e.type = w->wake_ev;
	e.user.code = code; /* a number; the values wait in the sender's slot */
	if (SDL_PushEvent(&e) < 0)
		log_warnx("window: cannot wake the UI thread: %s", SDL_GetError());
}

/* ---- the test hook ---------------------------------------------------------- */

void
window_inject_tap(struct window *w, int x, int y)
{
	SDL_Event e;

	(void)w;
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

/* Push a key press of k with modifiers mod; with `up`, its release too. */
static void
push_keydown(SDL_Keycode k, Uint16 mod, int up)
{
	SDL_Event e;

	memset(&e, 0, sizeof e);
	e.type = SDL_KEYDOWN;
	e.key.timestamp = SDL_GetTicks();
	e.key.state = SDL_PRESSED;
	e.key.keysym.sym = k;
	e.key.keysym.scancode = SDL_GetScancodeFromKey(k);
	e.key.keysym.mod = mod;
	SDL_PushEvent(&e);
	if (!up)
		return;
	e.type = SDL_KEYUP;
	e.key.state = SDL_RELEASED;
	SDL_PushEvent(&e);
}

int
window_inject_key(struct window *w, const char *name)
{
	SDL_Keycode k;
	Uint16 mod = 0;

	(void)w;
	if (!strncmp(name, "alt+", 4)) {
		mod = KMOD_LALT;
		name += 4;
	}
	if ((k = SDL_GetKeyFromName(name)) == SDLK_UNKNOWN)
		return -1;
	push_keydown(k, mod, 1);
	return 0;
}

void
window_inject_scan(struct window *w, const char *text)
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
		push_keydown(k, c >= 'A' && c <= 'Z' ? KMOD_LSHIFT : 0, 0);
		memset(&e, 0, sizeof e);
		e.type = SDL_TEXTINPUT;
		e.text.timestamp = SDL_GetTicks();
		if (n < sizeof e.text.text)
			memcpy(e.text.text, p, n);
		SDL_PushEvent(&e);
		p += n;
	}
	window_inject_key(w, "Return");
}

/*
 * ui_style: the kit's palettes and metrics (see kit.h). Sizes are in
 * millimetres at the configured dpi, clamped to what the screen can hold;
 * colours are roles, each with its calm colour and its high-contrast one.
 *
 * Small screens: a screen whose content does not fit (kit_need() notes it)
 * is laid out again with smaller text and pictograms (u->squeeze, twice at
 * most); targets never shrink below 15 mm. Under 100 mm of height (a 5"
 * 800x480 panel at 160 dpi) there is no header.
 *
 * Part of the pure ui core; must not depend on the screens (screens.h).
 */
#include <math.h>

#include "ui/kit.h"

#define RGB(x) { (uint8_t)((x) >> 16), (uint8_t)((x) >> 8), (uint8_t)(x), 255 }

/* Each role in the two palettes: calm public-service colours (white and
 * light grey, deep "bleu France"), and high contrast (black, white and
 * yellow). */
static const struct ui_colour palette[C_NROLES][2] = {
	/*                  normal                        high contrast */
	[C_BG]          = { RGB(0xF6F6F6),                RGB(0x000000) },
	[C_SURFACE]     = { RGB(0xFFFFFF),                RGB(0x000000) },
	[C_BORDER]      = { RGB(0x6A6AF4),                RGB(0xFFFFFF) },
	[C_TEXT]        = { RGB(0x161616),                RGB(0xFFFFFF) },
	[C_TEXT_SOFT]   = { RGB(0x3A3A3A),                RGB(0xFFFFFF) },
	[C_HEADER]      = { RGB(0x000091),                RGB(0x000000) },
	[C_ON_HEADER]   = { RGB(0xFFFFFF),                RGB(0xFFFF00) },
	[C_PRIMARY]     = { RGB(0x000091),                RGB(0xFFFF00) },
	[C_ON_PRIMARY]  = { RGB(0xFFFFFF),                RGB(0x000000) },
	[C_ACCENT]      = { RGB(0x000091),                RGB(0xFFFF00) },
	[C_TINT]        = { RGB(0xE3E3FD),                RGB(0x000000) },
	[C_ON_TINT]     = { RGB(0x000091),                RGB(0xFFFF00) },
	[C_DANGER]      = { RGB(0xCE0500),                RGB(0xFF8080) },
	[C_DANGER_BG]   = { RGB(0xFFE9E9),                RGB(0x000000) },
	[C_ON_DANGER_BG]= { RGB(0x161616),                RGB(0xFFFFFF) },
	[C_OK]          = { RGB(0x18753C),                RGB(0x66FF66) },
	[C_FOCUS]       = { RGB(0x161616),                RGB(0x00FFFF) },
	[C_SHADE]       = { { 0x16, 0x16, 0x16, 150 },    { 0, 0, 0, 200 } },
};

struct ui_colour
kit_colour(const struct ui *u, enum role r)
{
	return palette[r][u->hc ? 1 : 0];
}

void
kit_metrics(struct ui *u)
{
	static const int squeeze_pct[] = { 100, 84, 70 };
	struct metrics *m = &u->m;
	int mn = imin(u->w, u->h), pct = squeeze_pct[u->squeeze];
	double scale = (u->large ? 1.4 : 1.0) * pct / 100.0;

	m->mm = (u->cfg.dpi > 0 ? u->cfg.dpi : 96) / 25.4;
	/* 15 mm, rounded up, plus a hair so no rounding ever undercuts it */
	m->tgt = (int)ceil(UI_MIN_TARGET_MM * m->mm) + 1;
	m->fmin = (int)(3.4 * m->mm);
	/* Body text: 2.8% of the short side, between 4.5 and 9 mm. A screen
	 * that cannot hold a page squeezes it (never below 3.4 mm). */
	m->fb = imax(m->fmin,
	    (int)(clampi((int)(mn * 0.028), (int)(4.5 * m->mm), (int)(9 * m->mm)) * scale));
	m->fs = imax(m->fmin, imax((int)(3.6 * m->mm * scale), m->fb * 82 / 100));
	/* The bar's labels: in large text, never smaller than normal text's
	 * unsqueezed ones, even when the page above squeezes to fit. */
	m->fbar = m->fs;
	if (u->large) {
		int fb1 = imax(m->fmin, clampi((int)(mn * 0.028), (int)(4.5 * m->mm), (int)(9 * m->mm)));
		m->fbar = imax(m->fs, imax(m->fmin, imax((int)(3.6 * m->mm), fb1 * 82 / 100)));
	}
	m->ft = imax(m->fb, m->fb * (u->squeeze ? 4 : 3) / (u->squeeze ? 3 : 2));
	m->pad = imax((int)(2 * m->mm), imax((int)(3 * m->mm), mn / 45) * pct / 100);
	m->gap = imax((int)(1.5 * m->mm), imax((int)(2 * m->mm), m->pad * 2 / 3) * pct / 100);
	m->radius = imax(4, (int)(2.2 * m->mm));
	m->border = imax(2, (int)(0.55 * m->mm));
	m->pic = u->squeeze >= 2 ? 0 : pct;
	/* A screen under 100 mm high (5" 800x480) has no room for a header:
	 * the site name shows on the welcome screen only. */
	if (u->h / m->mm < 100)
		m->header_h = 0;
	else
		m->header_h = imax(kit_lineh(u, m->fs) + m->gap, (int)(9 * m->mm));
	m->bar_h = m->tgt + 2 * (m->gap / 2);
	if (u->large)
		m->bar_h = imax(m->bar_h, kit_lineh(u, m->fbar) * 2 + m->gap);
	m->body = mkrect(m->pad, m->header_h + m->pad, u->w - 2 * m->pad,
	    u->h - m->header_h - m->bar_h - 2 * m->pad);
}

void
kit_need(struct ui *u, int y, int bottom)
{
	if (y > bottom)
		u->overfull = 1;
}

int
kit_deco(struct ui *u, double mm_)
{
	return (int)(mm_ * u->m.mm * u->m.pic / 100);
}

/*
 * render_ticket: lay out one sample slip and write it as a PNG.
 *
 *   build/tools/render_ticket LANG WIDTH OUT.png [key=value ...]
 *
 * LANG is fr, ar, fa, ta, zh, uk, bn, ps, ru or en; WIDTH is 384, 512 or 576
 * dots (512 is printed at 180 dpi, like the TM-T88 family, the others at
 * 203). Keys override the samples: number, service, service_local, notice,
 * notice_local, datetime, position, wait, holder, payload, reprint, dpi,
 * fontdir, kind=attestation. Used to make the PNGs in docs/tickets and by hand
 * to look at a layout; tests/test_ticket.c checks the same renderer.
 *
 * The translations below were written by the team, not by native
 * speakers: they need review before going to print.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/pngio.h"
#include "core/text.h"
#include "core/ticket.h"

struct sample {
	const char *lang;      /* language code */
	const char *service;   /* "Premier titre de séjour" */
	const char *notice;    /* "Ce ticket est gratuit. Ne le payez jamais." */
	const char *number;    /* caption "Votre numéro" */
	const char *position;  /* "Position" */
	const char *wait;      /* "Attente estimée" */
	const char *minutes;   /* "{n} min" */
	const char *holder;    /* "Titulaire" */
	const char *dup;       /* "DUPLICATA" */
	const char *keep;      /* "Gardez ce ticket ..." */
};

static const struct sample samples[] = {
	{ "fr", "Premier titre de séjour", "Ce ticket est gratuit. Ne le payez jamais.",
	  "Votre numéro", "Position", "Attente estimée", "{n} min", "Titulaire", "DUPLICATA",
	  "Gardez ce ticket jusqu'à votre passage au guichet." },
	{ "en", "First residence permit", "This ticket is free. Never pay for it.",
	  "Your number", "Position", "Estimated wait", "{n} min", "Holder", "DUPLICATE",
	  "Keep this ticket until you are seen at the counter." },
	{ "ar", "أول بطاقة إقامة", "هذه التذكرة مجانية. لا تدفع ثمنها أبدًا.",
	  "رقمك", "ترتيبك", "الانتظار المتوقع", "{n} دقيقة", "صاحب التذكرة", "نسخة مكررة",
	  "احتفظ بهذه التذكرة حتى يحين دورك عند الشباك." },
	{ "fa", "نخستین کارت اقامت", "این برگهٔ نوبت رایگان است. هرگز برای آن پول نپردازید.",
	  "شمارهٔ شما", "جایگاه در صف", "زمان انتظار تخمینی", "{n} دقیقه", "دارنده", "المثنی",
	  "این برگه را تا رسیدن نوبتتان در باجه نگه دارید." },
	{ "ps", "د اوسېدو لومړنۍ اجازه", "دا ټکټ وړیا دی. هېڅکله یې پیسې مه ورکوئ.",
	  "ستاسو شمېره", "په کتار کې ځای", "اټکل شوی انتظار", "{n} دقیقې", "خاوند", "دوهمه نسخه",
	  "دا ټکټ تر هغه وساتئ چې کړکۍ ته وبلل شئ." },
	{ "ta", "முதல் குடியிருப்பு அனுமதி",
	  "இந்தச் சீட்டு இலவசம். இதற்கு ஒருபோதும் பணம் செலுத்த வேண்டாம்.",
	  "உங்கள் எண்", "வரிசையில் இடம்", "மதிப்பிடப்பட்ட காத்திருப்பு", "{n} நிமிடம்",
	  "உரிமையாளர்", "நகல்", "கவுண்டரில் உங்கள் முறை வரும் வரை இந்தச் சீட்டை வைத்திருங்கள்." },
	{ "bn", "প্রথম বসবাসের অনুমতিপত্র", "এই টিকিট বিনামূল্যে। কখনো এর জন্য টাকা দেবেন না।",
	  "আপনার নম্বর", "সারিতে অবস্থান", "আনুমানিক অপেক্ষা", "{n} মিনিট", "ধারক", "প্রতিলিপি",
	  "কাউন্টারে ডাক না পাওয়া পর্যন্ত এই টিকিট রেখে দিন।" },
	{ "zh", "首次申请居留证", "此票免费。切勿为此付款。",
	  "您的号码", "排队位置", "预计等待", "约 {n} 分钟", "持票人", "副本",
	  "请保留此票，直到您在窗口办理完毕。" },
	{ "uk", "Перша посвідка на проживання", "Цей талон безкоштовний. Ніколи не платіть за нього.",
	  "Ваш номер", "Позиція в черзі", "Орієнтовне очікування", "{n} хв", "Власник", "ДУБЛІКАТ",
	  "Зберігайте талон, доки вас не викличуть до віконця." },
	{ "ru", "Первый вид на жительство", "Этот талон бесплатный. Никогда не платите за него.",
	  "Ваш номер", "Место в очереди", "Ожидаемое время", "{n} мин", "Владелец", "ДУБЛИКАТ",
	  "Сохраните талон, пока вас не вызовут к окошку." },
};

static const char *
opt(int argc, char **argv, const char *key, const char *def)
{
	size_t n = strlen(key);
	int i;

	for (i = 4; i < argc; i++)
		if (strncmp(argv[i], key, n) == 0 && argv[i][n] == '=')
			return argv[i] + n + 1;
	return def;
}

int
main(int argc, char **argv)
{
	const struct sample *fr = &samples[0], *s = NULL;
	struct ticket_view v;
	struct fonts *f;
	struct bitmap *b = NULL;
	char err[512];
	int width, dpi, i, rc = 1;

	if (argc < 4) {
		fprintf(stderr, "usage: %s LANG WIDTH OUT.png [key=value ...]\n", argv[0]);
		return 2;
	}
	for (i = 0; i < (int)(sizeof samples / sizeof samples[0]); i++)
		if (strcmp(samples[i].lang, argv[1]) == 0)
			s = &samples[i];
	if (s == NULL) {
		fprintf(stderr, "render_ticket: no sample for language %s\n", argv[1]);
		return 2;
	}
	width = atoi(argv[2]);
	dpi = atoi(opt(argc, argv, "dpi", width == 512 ? "180" : "203"));

	memset(&v, 0, sizeof v);
	v.kind = strcmp(opt(argc, argv, "kind", "ticket"), "attestation") == 0 ?
	    TICKET_KIND_ATTESTATION : TICKET_KIND_TICKET;
	v.lang = s->lang;
	v.site_name = opt(argc, argv, "site", "Préfecture de la Seine-Saint-Denis — Bobigny");
	v.number = opt(argc, argv, "number", "A042");
	v.service.fr = opt(argc, argv, "service", fr->service);
	v.service.local = opt(argc, argv, "service_local", s->service);
	v.datetime = opt(argc, argv, "datetime", "Lundi 3 mars 2025 — 09:41");
	v.position = atoi(opt(argc, argv, "position", "12"));
	v.wait_min = atoi(opt(argc, argv, "wait", "35"));
	v.free_notice.fr = opt(argc, argv, "notice", fr->notice);
	v.free_notice.local = opt(argc, argv, "notice_local", s->notice);
	v.holder_ref = opt(argc, argv, "holder", NULL);
	v.qr_payload = opt(argc, argv, "payload",
	    "K1*T*PREFECTURE-93*20250303*A*42*0941*KIOSK1*1042*0*"
	    "MZXW6YTBOI3DSNBRGEYTCMJRGEZTEMZTGQ2DKNJVGU3DONZXHA4DSOJZGAYDAMBQGEYTCMJSGIZTGNBUGU2TMNRXG44DQOJZGAYDAMB");
	v.reprint = atoi(opt(argc, argv, "reprint", "0"));
	v.labels.number = (struct ticket_text2){ fr->number, s->number };
	v.labels.position = (struct ticket_text2){ fr->position, s->position };
	v.labels.wait = (struct ticket_text2){ fr->wait, s->wait };
	v.labels.minutes = (struct ticket_text2){ fr->minutes, s->minutes };
	v.labels.holder = (struct ticket_text2){ fr->holder, s->holder };
	v.labels.duplicate = (struct ticket_text2){ fr->dup, s->dup };
	v.labels.keep = (struct ticket_text2){ fr->keep, s->keep };
	v.att.title = (struct ticket_text2){ "ATTESTATION DE PASSAGE", NULL };
	v.att.outcome = (struct ticket_text2){ "Capacité du jour atteinte : aucun ticket n'a pu être délivré.", NULL };
	v.att.serial = "AT-20250303-0012";
	v.att.statement = (struct ticket_text2){
	    "La personne titulaire de cette attestation s'est présentée à l'accueil à la date et "
	    "à l'heure indiquées pour la démarche ci-dessus.", NULL };
	v.att.attempts.fr = "Tentative n° 4 ; première tentative le 24/02/2025 ; tentatives sur 2 semaines différentes";

	if ((f = fonts_open(opt(argc, argv, "fontdir", NULL), err, sizeof err)) == NULL) {
		fprintf(stderr, "render_ticket: %s\n", err);
		return 1;
	}
	if ((b = ticket_render(&v, width, dpi, f, err, sizeof err)) == NULL) {
		fprintf(stderr, "render_ticket: %s\n", err);
		goto out;
	}
	if (png_write(b, argv[3], err, sizeof err) != 0) {
		fprintf(stderr, "render_ticket: %s\n", err);
		goto out;
	}
	printf("%s: %dx%d\n", argv[3], b->w, b->h);
	rc = 0;
out:
	bitmap_free(b);
	fonts_free(f);
	return rc;
}

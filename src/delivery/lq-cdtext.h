/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * CD-Text: the disc's and the tracks' names as the player shows them, stored on the disc in
 * 18-byte packs (layout in shared/reference/cd-and-ddp.md). Lacquer writes one block:
 * block 0, English, character set 0 (ISO 8859-1). Text is kept here as UTF-8 and converted
 * only when packs are made; text that ISO 8859-1 cannot carry is refused with a message
 * naming the track, the field and the character, never replaced.
 */

#define LQ_CDTEXT_PACK_SIZE      18
#define LQ_CDTEXT_MAX_PACKS      256 /* per block */

#define LQ_CDTEXT_ERROR (lq_cdtext_error_quark ())

/**
 * LqCdTextError:
 * @LQ_CDTEXT_ERROR_CHARSET: text has a character outside ISO 8859-1 (or a control character)
 * @LQ_CDTEXT_ERROR_SIZE: the text needs more than 256 packs in a block
 * @LQ_CDTEXT_ERROR_CORRUPT: packs read back are damaged (size, CRC, sequence)
 */
typedef enum
{
  LQ_CDTEXT_ERROR_CHARSET,
  LQ_CDTEXT_ERROR_SIZE,
  LQ_CDTEXT_ERROR_CORRUPT,
} LqCdTextError;

/**
 * LqCdTextField:
 * @LQ_CDTEXT_TITLE: pack type 0x80
 * @LQ_CDTEXT_PERFORMER: 0x81
 * @LQ_CDTEXT_SONGWRITER: 0x82
 * @LQ_CDTEXT_COMPOSER: 0x83
 * @LQ_CDTEXT_ARRANGER: 0x84
 * @LQ_CDTEXT_MESSAGE: 0x85
 * @LQ_CDTEXT_GENRE: 0x87, the disc only: a genre code (from the text when it names one of
 *   the standard genres, else "not defined") followed by the text
 * @LQ_CDTEXT_CODE: 0x8E, UPC/EAN for the disc, ISRC for a track (ASCII)
 */
typedef enum
{
  LQ_CDTEXT_TITLE,
  LQ_CDTEXT_PERFORMER,
  LQ_CDTEXT_SONGWRITER,
  LQ_CDTEXT_COMPOSER,
  LQ_CDTEXT_ARRANGER,
  LQ_CDTEXT_MESSAGE,
  LQ_CDTEXT_GENRE,
  LQ_CDTEXT_CODE,
  LQ_CDTEXT_N_FIELDS,
} LqCdTextField;

typedef struct _LqCdText LqCdText;

GQuark      lq_cdtext_error_quark     (void);

LqCdText   *lq_cdtext_new             (guint            n_tracks);
LqCdText   *lq_cdtext_copy            (const LqCdText  *self);
void        lq_cdtext_free            (LqCdText        *self);
guint       lq_cdtext_get_n_tracks    (const LqCdText  *self);
void        lq_cdtext_set             (LqCdText        *self,
                                       guint            track,
                                       LqCdTextField    field,
                                       const char      *utf8);
const char *lq_cdtext_get             (const LqCdText  *self,
                                       guint            track,
                                       LqCdTextField    field);
gboolean    lq_cdtext_has_text        (const LqCdText  *self);
guint16     lq_cdtext_get_genre_code  (const LqCdText  *self);

guint8      lq_cdtext_field_pack_type (LqCdTextField    field);
const char *lq_cdtext_field_name      (LqCdTextField    field);
const char *lq_cdtext_genre_name      (guint16          code);

gboolean    lq_cdtext_check_text      (const LqCdText  *self,
                                       guint            track,
                                       LqCdTextField    field,
                                       GError         **error);
GBytes     *lq_cdtext_encode          (const LqCdText  *self,
                                       GError         **error);
LqCdText   *lq_cdtext_decode          (const guint8    *data,
                                       gsize            size,
                                       GError         **error);
guint16     lq_cdtext_crc             (const guint8    *pack);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LqCdText, lq_cdtext_free)

G_END_DECLS

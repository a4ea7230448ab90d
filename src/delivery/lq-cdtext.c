/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-cdtext"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "lq-cdtext.h"

/*
 * Packing (the layout is in shared/reference/cd-and-ddp.md): for every pack type that has any
 * text, the strings of the disc and of tracks 1..n run on as one byte stream, each ended by a
 * NUL, cut into 12-byte payloads. A pack names the track whose string holds its first payload
 * byte (a NUL belongs to the string it ends) and how many characters of that string came
 * before (capped at 15). Sequence numbers count over the whole block, the three 0x8F size
 * packs included. The genre pack carries a 2-byte genre code before its text. No TAB
 * ("same as the previous track") shortcut is written; the decoder understands it.
 */

#define PAYLOAD 12
#define PACK_SIZE_INFO 0x8F
#define LANGUAGE_ENGLISH 0x09

struct _LqCdText
{
  guint n_tracks;  /* tracks 1..n_tracks; index 0 is the disc */
  char **text;     /* (n_tracks + 1) * LQ_CDTEXT_N_FIELDS UTF-8 strings, NULL when unset */
  guint16 genre;   /* genre code read from a disc; 0 = derive from the genre text */
};

static const char *const genre_names[] = {
  "Not Used", "Not Defined", "Adult Contemporary", "Alternative Rock", "Childrens Music",
  "Classical", "Contemporary Christian", "Country", "Dance", "Easy Listening", "Erotic", "Folk",
  "Gospel", "Hip Hop", "Jazz", "Latin", "Musical", "New Age", "Opera", "Operetta", "Pop Music",
  "Rap", "Reggae", "Rock Music", "Rhythm & Blues", "Sound Effects", "Spoken Word", "World Music",
};

static guint16 crc_table[256];

G_DEFINE_QUARK (lq-cdtext-error-quark, lq_cdtext_error)

static char **
slot (const LqCdText *self,
      guint           track,
      LqCdTextField   field)
{
  g_assert (track <= self->n_tracks && field < LQ_CDTEXT_N_FIELDS);
  return &self->text[track * LQ_CDTEXT_N_FIELDS + field];
}

static void
init_crc_table (void)
{
  static gsize done = 0;

  if (!g_once_init_enter (&done))
    return;
  for (guint i = 0; i < 256; i++)
    {
      guint16 crc = (guint16) (i << 8);

      for (guint b = 0; b < 8; b++)
        crc = (crc & 0x8000) ? (guint16) ((crc << 1) ^ 0x1021) : (guint16) (crc << 1);
      crc_table[i] = crc;
    }
  g_once_init_leave (&done, 1);
}

/* The ISO 8859-1 bytes of @utf8; NULL (with the offending character in @bad) when one has no
 * ISO 8859-1 code or is a control character. */
static GByteArray *
to_latin1 (const char *utf8,
           gunichar   *bad)
{
  GByteArray *out = g_byte_array_new ();

  for (const char *p = utf8; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      guint8 byte = (guint8) c;

      if (c > 0xFF || c < 0x20 || (c >= 0x7F && c < 0xA0))
        {
          *bad = c;
          g_byte_array_unref (out);
          return NULL;
        }
      g_byte_array_append (out, &byte, 1);
    }
  return out;
}

static char *
describe_place (guint          track,
                LqCdTextField  field)
{
  if (track == 0)
    return g_strdup_printf (_("The album’s CD-Text %s"), lq_cdtext_field_name (field));
  return g_strdup_printf (_("Track %u’s CD-Text %s"), track, lq_cdtext_field_name (field));
}

LqCdText *
lq_cdtext_new (guint n_tracks)
{
  LqCdText *self = g_new0 (LqCdText, 1);

  self->n_tracks = n_tracks;
  self->text = g_new0 (char *, (n_tracks + 1) * LQ_CDTEXT_N_FIELDS);
  return self;
}

LqCdText *
lq_cdtext_copy (const LqCdText *self)
{
  LqCdText *copy;

  g_return_val_if_fail (self != NULL, NULL);
  copy = lq_cdtext_new (self->n_tracks);
  for (guint i = 0; i < (self->n_tracks + 1) * LQ_CDTEXT_N_FIELDS; i++)
    copy->text[i] = g_strdup (self->text[i]);
  copy->genre = self->genre;
  return copy;
}

void
lq_cdtext_free (LqCdText *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < (self->n_tracks + 1) * LQ_CDTEXT_N_FIELDS; i++)
    g_free (self->text[i]);
  g_free (self->text);
  g_free (self);
}

guint
lq_cdtext_get_n_tracks (const LqCdText *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_tracks;
}

/**
 * lq_cdtext_set:
 * @track: 0 for the disc, 1..n for a track
 * @utf8: (nullable): the text; %NULL or "" unsets it
 *
 * The genre belongs to the disc only; setting it on a track is ignored.
 */
void
lq_cdtext_set (LqCdText      *self,
               guint          track,
               LqCdTextField  field,
               const char    *utf8)
{
  char **p;

  g_return_if_fail (self != NULL);
  g_return_if_fail (track <= self->n_tracks);
  g_return_if_fail (field < LQ_CDTEXT_N_FIELDS);
  g_return_if_fail (utf8 == NULL || g_utf8_validate (utf8, -1, NULL));

  if (field == LQ_CDTEXT_GENRE && track != 0)
    return;
  p = slot (self, track, field);
  g_free (*p);
  *p = utf8 != NULL && *utf8 ? g_strdup (utf8) : NULL;
}

/**
 * lq_cdtext_get:
 *
 * Returns: (nullable): the text, %NULL when unset
 */
const char *
lq_cdtext_get (const LqCdText *self,
               guint           track,
               LqCdTextField   field)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (track <= self->n_tracks && field < LQ_CDTEXT_N_FIELDS, NULL);
  return *slot (self, track, field);
}

/* Whether any text field (not counting the UPC/ISRC codes) is set. */
gboolean
lq_cdtext_has_text (const LqCdText *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  for (guint t = 0; t <= self->n_tracks; t++)
    for (guint f = 0; f < LQ_CDTEXT_N_FIELDS; f++)
      if (f != LQ_CDTEXT_CODE && *slot (self, t, f) != NULL)
        return TRUE;
  return FALSE;
}

/**
 * lq_cdtext_get_genre_code:
 *
 * Returns: the genre code written to the genre pack: the one read from a disc, else the code of
 *   the standard genre the genre text names (compared without case), else 1 ("not defined");
 *   0 when there is no genre
 */
guint16
lq_cdtext_get_genre_code (const LqCdText *self)
{
  const char *genre;

  g_return_val_if_fail (self != NULL, 0);
  if (self->genre != 0)
    return self->genre;
  genre = *slot (self, 0, LQ_CDTEXT_GENRE);
  if (genre == NULL)
    return 0;
  for (guint i = 2; i < G_N_ELEMENTS (genre_names); i++)
    if (g_ascii_strcasecmp (genre, genre_names[i]) == 0)
      return (guint16) i;
  return 1;
}

guint8
lq_cdtext_field_pack_type (LqCdTextField field)
{
  static const guint8 types[] = { 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x87, 0x8E };

  g_return_val_if_fail (field < LQ_CDTEXT_N_FIELDS, 0);
  return types[field];
}

const char *
lq_cdtext_field_name (LqCdTextField field)
{
  switch (field)
    {
    case LQ_CDTEXT_TITLE: return _("title");
    case LQ_CDTEXT_PERFORMER: return _("performer");
    case LQ_CDTEXT_SONGWRITER: return _("songwriter");
    case LQ_CDTEXT_COMPOSER: return _("composer");
    case LQ_CDTEXT_ARRANGER: return _("arranger");
    case LQ_CDTEXT_MESSAGE: return _("message");
    case LQ_CDTEXT_GENRE: return _("genre");
    case LQ_CDTEXT_CODE: return _("UPC/ISRC");
    case LQ_CDTEXT_N_FIELDS:
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * lq_cdtext_genre_name:
 *
 * Returns: (nullable): the standard name of a CD-Text genre code, %NULL when unknown
 */
const char *
lq_cdtext_genre_name (guint16 code)
{
  return code < G_N_ELEMENTS (genre_names) ? genre_names[code] : NULL;
}

/**
 * lq_cdtext_check_text:
 *
 * Checks that a field can be written: ISO 8859-1 characters only, no control characters, and
 * for the UPC/ISRC field plain ASCII digits and capitals.
 */
gboolean
lq_cdtext_check_text (const LqCdText  *self,
                      guint            track,
                      LqCdTextField    field,
                      GError         **error)
{
  const char *text;
  g_autoptr(GByteArray) bytes = NULL;
  gunichar bad = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (track <= self->n_tracks && field < LQ_CDTEXT_N_FIELDS, FALSE);

  text = *slot (self, track, field);
  if (text == NULL)
    return TRUE;
  bytes = to_latin1 (text, &bad);
  if (bytes == NULL)
    {
      g_autofree char *place = describe_place (track, field);
      char ch[8] = { 0 };

      if (g_unichar_isprint (bad))
        g_unichar_to_utf8 (bad, ch);
      g_set_error (error, LQ_CDTEXT_ERROR, LQ_CDTEXT_ERROR_CHARSET,
                   _("%s “%s” has the character “%s” (U+%04X), which CD-Text cannot carry: it takes ISO 8859-1 (Western European) text only; change the text or leave CD-Text off"),
                   place, text, ch, bad);
      return FALSE;
    }
  return TRUE;
}

guint16
lq_cdtext_crc (const guint8 *pack)
{
  guint16 crc = 0;

  g_return_val_if_fail (pack != NULL, 0);
  init_crc_table ();
  for (guint i = 0; i < 16; i++)
    crc = (guint16) ((crc << 8) ^ crc_table[((crc >> 8) ^ pack[i]) & 0xFF]);
  return crc ^ 0xFFFF;
}

/* Packs being built for one block. */
typedef struct
{
  GByteArray *packs;
  guint counts[16];   /* packs per type 0x80..0x8F */
} Packer;

static void
packer_add (Packer       *pk,
            guint8        type,
            guint8        track,
            guint         position,
            const guint8 *payload)
{
  guint8 pack[LQ_CDTEXT_PACK_SIZE];
  guint seq = pk->packs->len / LQ_CDTEXT_PACK_SIZE;
  guint16 crc;

  pack[0] = type;
  pack[1] = track;
  pack[2] = (guint8) seq;
  pack[3] = (guint8) (MIN (position, 15u)); /* block 0, single-byte characters */
  memcpy (pack + 4, payload, PAYLOAD);
  crc = lq_cdtext_crc (pack);
  pack[16] = crc >> 8;
  pack[17] = crc & 0xFF;
  g_byte_array_append (pk->packs, pack, sizeof pack);
  pk->counts[type - 0x80]++;
}

/* Cuts the strings of one type (index = track, already in ISO 8859-1) into packs. */
static void
pack_type (Packer      *pk,
           guint8       type,
           GByteArray **strings,
           guint        n_strings)
{
  guint8 payload[PAYLOAD];
  guint fill = 0, first_track = 0, first_pos = 0;

  for (guint t = 0; t < n_strings; t++)
    {
      guint len = strings[t] != NULL ? strings[t]->len : 0;

      for (guint i = 0; i <= len; i++)
        {
          if (fill == 0)
            {
              first_track = t;
              first_pos = i;
            }
          payload[fill++] = i < len ? strings[t]->data[i] : 0;
          if (fill == PAYLOAD)
            {
              packer_add (pk, type, (guint8) first_track, first_pos, payload);
              fill = 0;
            }
        }
    }
  if (fill > 0)
    {
      memset (payload + fill, 0, PAYLOAD - fill);
      packer_add (pk, type, (guint8) first_track, first_pos, payload);
    }
}

/**
 * lq_cdtext_encode:
 *
 * Makes the packs of block 0 (English, ISO 8859-1), ending with the three size packs. Fails
 * on text ISO 8859-1 cannot carry (%LQ_CDTEXT_ERROR_CHARSET, naming the first such field) and
 * when the block would need more than 256 packs (%LQ_CDTEXT_ERROR_SIZE).
 *
 * Returns: (transfer full) (nullable): the packs, or %NULL with @error set
 */
GBytes *
lq_cdtext_encode (const LqCdText  *self,
                  GError         **error)
{
  Packer pk = { 0 };
  guint8 info[3 * PAYLOAD] = { 0 };
  guint total;

  g_return_val_if_fail (self != NULL, NULL);

  for (guint t = 0; t <= self->n_tracks; t++)
    for (guint f = 0; f < LQ_CDTEXT_N_FIELDS; f++)
      if (!lq_cdtext_check_text (self, t, f, error))
        return NULL;

  pk.packs = g_byte_array_new ();
  for (guint f = 0; f < LQ_CDTEXT_N_FIELDS; f++)
    {
      guint n = f == LQ_CDTEXT_GENRE ? 1 : self->n_tracks + 1;
      g_autofree GByteArray **strings = g_new0 (GByteArray *, n);
      gboolean any = FALSE;

      for (guint t = 0; t < n; t++)
        {
          const char *text = *slot (self, t, f);
          gunichar bad;

          if (text != NULL)
            {
              strings[t] = to_latin1 (text, &bad);
              any = TRUE;
            }
        }
      if (f == LQ_CDTEXT_GENRE && any)
        {
          guint16 code = lq_cdtext_get_genre_code (self);
          guint8 be[2] = { code >> 8, code & 0xFF };

          g_byte_array_prepend (strings[0], be, 2);
        }
      if (any)
        pack_type (&pk, lq_cdtext_field_pack_type (f), strings, n);
      for (guint t = 0; t < n; t++)
        if (strings[t] != NULL)
          g_byte_array_unref (strings[t]);
    }

  total = pk.packs->len / LQ_CDTEXT_PACK_SIZE + 3;
  if (total > LQ_CDTEXT_MAX_PACKS)
    {
      g_set_error (error, LQ_CDTEXT_ERROR, LQ_CDTEXT_ERROR_SIZE,
                   _("The CD-Text needs %u packs, but a block holds at most %u (about %u characters in all); shorten the titles or names"),
                   total, LQ_CDTEXT_MAX_PACKS, (LQ_CDTEXT_MAX_PACKS - 3) * PAYLOAD);
      g_byte_array_unref (pk.packs);
      return NULL;
    }

  info[0] = 0x00;                         /* character set: ISO 8859-1 */
  info[1] = 1;                            /* first track */
  info[2] = (guint8) self->n_tracks;      /* last track */
  info[3] = 0x00;                         /* copyright flags */
  for (guint i = 0; i < 16; i++)
    info[4 + i] = (guint8) (i == PACK_SIZE_INFO - 0x80 ? 3 : pk.counts[i]);
  info[20] = (guint8) (total - 1);        /* last sequence number of block 0 */
  info[28] = LANGUAGE_ENGLISH;            /* language of block 0 */
  for (guint i = 0; i < 3; i++)
    packer_add (&pk, PACK_SIZE_INFO, (guint8) i, 0, info + i * PAYLOAD);

  return g_byte_array_free_to_bytes (pk.packs);
}

/* UTF-8 from ISO 8859-1 (or ASCII) bytes. */
static char *
from_latin1 (const guint8 *bytes,
             gsize         len)
{
  GString *s = g_string_sized_new (len);

  for (gsize i = 0; i < len; i++)
    g_string_append_unichar (s, bytes[i]);
  return g_string_free (s, FALSE);
}

static LqCdText *
decode_block (const guint8  *data,
              gsize          size,
              GByteArray   **streams,
              GError       **error)
{
  guint first_track[16] = { 0 };
  guint8 info[3 * PAYLOAD] = { 0 };
  guint n_info = 0, n_tracks = 0;
  g_autoptr(LqCdText) self = NULL;

  if (size == 0 || size % LQ_CDTEXT_PACK_SIZE != 0)
    {
      g_set_error (error, LQ_CDTEXT_ERROR, LQ_CDTEXT_ERROR_CORRUPT,
                   _("CD-Text data of %zu bytes is not a whole number of 18-byte packs"), size);
      return NULL;
    }
  for (gsize off = 0; off < size; off += LQ_CDTEXT_PACK_SIZE)
    {
      const guint8 *p = data + off;
      guint16 crc = (guint16) (p[16] << 8 | p[17]);
      guint type = p[0];

      if (crc != lq_cdtext_crc (p))
        {
          g_set_error (error, LQ_CDTEXT_ERROR, LQ_CDTEXT_ERROR_CORRUPT,
                       _("CD-Text pack %zu (type 0x%02X) has a bad CRC: stored %04X, computed %04X"),
                       off / LQ_CDTEXT_PACK_SIZE, type, crc, lq_cdtext_crc (p));
          return NULL;
        }
      if (type < 0x80 || type > 0x8F)
        {
          g_set_error (error, LQ_CDTEXT_ERROR, LQ_CDTEXT_ERROR_CORRUPT,
                       _("CD-Text pack %zu has the unknown type 0x%02X"), off / LQ_CDTEXT_PACK_SIZE, type);
          return NULL;
        }
      if (((p[3] >> 4) & 7) != 0)
        continue; /* another block */
      if (p[3] & 0x80)
        {
          g_set_error (error, LQ_CDTEXT_ERROR, LQ_CDTEXT_ERROR_CORRUPT,
                       _("The CD-Text uses double-byte characters, which Lacquer does not read"));
          return NULL;
        }
      if (type == PACK_SIZE_INFO)
        {
          if (p[1] < 3)
            {
              memcpy (info + p[1] * PAYLOAD, p + 4, PAYLOAD);
              n_info++;
            }
          continue;
        }
      if (streams[type - 0x80] == NULL)
        {
          streams[type - 0x80] = g_byte_array_new ();
          first_track[type - 0x80] = p[1] & 0x7F;
        }
      g_byte_array_append (streams[type - 0x80], p + 4, PAYLOAD);
    }
  if (n_info != 3)
    {
      g_set_error (error, LQ_CDTEXT_ERROR, LQ_CDTEXT_ERROR_CORRUPT,
                   _("The CD-Text has no size information (three 0x8F packs) for block 0"));
      return NULL;
    }
  if (info[0] != 0x00 && info[0] != 0x01)
    {
      g_set_error (error, LQ_CDTEXT_ERROR, LQ_CDTEXT_ERROR_CORRUPT,
                   _("The CD-Text uses character set 0x%02X; Lacquer reads ISO 8859-1 and ASCII only"), info[0]);
      return NULL;
    }
  n_tracks = info[2];
  self = lq_cdtext_new (n_tracks);

  for (guint f = 0; f < LQ_CDTEXT_N_FIELDS; f++)
    {
      GByteArray *s = streams[lq_cdtext_field_pack_type (f) - 0x80];
      gsize pos = 0;
      guint track = first_track[lq_cdtext_field_pack_type (f) - 0x80];
      g_autofree char *previous = NULL;

      if (s == NULL)
        continue;
      if (f == LQ_CDTEXT_GENRE)
        {
          if (s->len >= 2)
            {
              gsize end = 2;

              self->genre = (guint16) (s->data[0] << 8 | s->data[1]);
              while (end < s->len && s->data[end] != 0)
                end++;
              if (end > 2)
                *slot (self, 0, f) = from_latin1 (s->data + 2, end - 2);
              else if (lq_cdtext_genre_name (self->genre) != NULL && self->genre > 1)
                *slot (self, 0, f) = g_strdup (lq_cdtext_genre_name (self->genre));
            }
          continue;
        }
      while (pos < s->len && track <= n_tracks)
        {
          gsize end = pos;
          char *text;

          while (end < s->len && s->data[end] != 0)
            end++;
          if (end == s->len)
            break; /* padding or a string cut short */
          if (end - pos == 1 && s->data[pos] == '\t')
            text = g_strdup (previous);
          else
            text = from_latin1 (s->data + pos, end - pos);
          lq_cdtext_set (self, track, f, text);
          g_free (previous);
          previous = text;
          track++;
          pos = end + 1;
        }
    }
  return g_steal_pointer (&self);
}

/**
 * lq_cdtext_decode:
 *
 * Reads block 0 of a CD-Text pack sequence (a CDTEXT.BIN), checking every pack's CRC. Other
 * blocks (other languages) are skipped. Text in a character set other than ISO 8859-1 or
 * ASCII is refused.
 *
 * Returns: (transfer full) (nullable): the text, or %NULL with @error set
 */
LqCdText *
lq_cdtext_decode (const guint8  *data,
                  gsize          size,
                  GError       **error)
{
  GByteArray *streams[16] = { NULL };
  LqCdText *self;

  g_return_val_if_fail (data != NULL || size == 0, NULL);
  self = decode_block (data, size, streams, error);
  for (guint i = 0; i < 16; i++)
    if (streams[i] != NULL)
      g_byte_array_unref (streams[i]);
  return self;
}

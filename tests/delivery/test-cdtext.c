/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CD-Text packs against the layout in shared/reference/cd-and-ddp.md: packs written out by
 * hand here, CRCs from an independent bitwise CRC-16 (itself checked against the published
 * CRC-16/XMODEM check value), ISO 8859-1 only, the 256-pack limit, and reading back. */
#include "config.h"

#include <string.h>

#include "lq-cdtext.h"

/* CRC-16, polynomial 0x1021, initial 0, no reflection, bit by bit (the reference's
 * definition), not inverted. */
static guint16
crc16_bitwise (const guint8 *data,
               gsize         len)
{
  guint16 crc = 0;

  for (gsize i = 0; i < len; i++)
    {
      crc ^= (guint16) (data[i] << 8);
      for (guint b = 0; b < 8; b++)
        crc = (crc & 0x8000) ? (guint16) ((crc << 1) ^ 0x1021) : (guint16) (crc << 1);
    }
  return crc;
}

/* The stored CRC of a pack: inverted, most significant byte first. */
static void
assert_pack_crc (const guint8 *pack)
{
  guint16 expected = crc16_bitwise (pack, 16) ^ 0xFFFF;

  g_assert_cmphex (pack[16], ==, expected >> 8);
  g_assert_cmphex (pack[17], ==, expected & 0xFF);
}

static void
make_pack (guint8       *pack,
           guint8        type,
           guint8        track,
           guint8        seq,
           guint8        position,
           const char   *payload,
           gsize         payload_len)
{
  guint16 crc;

  memset (pack, 0, 18);
  pack[0] = type;
  pack[1] = track;
  pack[2] = seq;
  pack[3] = position;
  memcpy (pack + 4, payload, payload_len);
  crc = crc16_bitwise (pack, 16) ^ 0xFFFF;
  pack[16] = crc >> 8;
  pack[17] = crc & 0xFF;
}

static void
test_crc_reference (void)
{
  /* CRC-16/XMODEM (poly 0x1021, init 0): check value of "123456789" is 0x31C3. */
  g_assert_cmphex (crc16_bitwise ((const guint8 *) "123456789", 9), ==, 0x31C3);
  /* And lq_cdtext_crc() over a pack gives the inverted value of the same CRC. */
  {
    guint8 pack[18] = { 0x80, 0x00, 0x00, 0x00, 'A', 'l', 'b', 'u', 'm', 0, 'O', 'n', 'e', 0, 'T', 'w' };

    g_assert_cmphex (lq_cdtext_crc (pack), ==, crc16_bitwise (pack, 16) ^ 0xFFFF);
  }
}

/* Disc "Album", tracks "One" and "Two", performer "Band" on the disc only: packs written out
 * by hand from the reference's table. */
static void
test_layout (void)
{
  g_autoptr(LqCdText) text = lq_cdtext_new (2);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  guint8 expected[8][18];
  const guint8 *data;
  gsize size;
  char info[36] = { 0 };

  lq_cdtext_set (text, 0, LQ_CDTEXT_TITLE, "Album");
  lq_cdtext_set (text, 1, LQ_CDTEXT_TITLE, "One");
  lq_cdtext_set (text, 2, LQ_CDTEXT_TITLE, "Two");
  lq_cdtext_set (text, 0, LQ_CDTEXT_PERFORMER, "Band");
  bytes = lq_cdtext_encode (text, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (bytes, &size);

  /* Title stream "Album\0One\0Two\0": 14 bytes, two packs; the second starts with the "o"
   * of "Two" (track 2, character position 2). */
  make_pack (expected[0], 0x80, 0, 0, 0, "Album\0One\0Tw", 12);
  make_pack (expected[1], 0x80, 2, 1, 2, "o", 2);
  /* Performer stream "Band\0\0\0": the tracks' empty strings are single NULs. */
  make_pack (expected[2], 0x81, 0, 2, 0, "Band\0\0\0", 7);
  /* Size information: charset 0, tracks 1..2, copyright 0, counts (2 title, 1 performer,
   * 3 size), last sequence number 5 in block 0, language English (0x09) for block 0. */
  info[0] = 0x00;
  info[1] = 1;
  info[2] = 2;
  info[4 + 0] = 2;
  info[4 + 1] = 1;
  info[4 + 15] = 3;
  info[20] = 5;
  info[28] = 0x09;
  for (guint i = 0; i < 3; i++)
    make_pack (expected[3 + i], 0x8F, i, 3 + i, 0, info + 12 * i, 12);

  g_assert_cmpuint (size, ==, 6 * 18);
  for (guint i = 0; i < 6; i++)
    {
      for (guint b = 0; b < 18; b++)
        if (data[i * 18 + b] != expected[i][b])
          g_error ("pack %u byte %u: 0x%02x, expected 0x%02x", i, b, data[i * 18 + b], expected[i][b]);
      assert_pack_crc (data + i * 18);
    }
}

static void
test_latin1 (void)
{
  g_autoptr(LqCdText) text = lq_cdtext_new (1);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *data;

  /* "Café Ñandú" is ISO 8859-1: é = 0xE9, Ñ = 0xD1, ú = 0xFA. */
  lq_cdtext_set (text, 1, LQ_CDTEXT_TITLE, "Café Ñandú");
  bytes = lq_cdtext_encode (text, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (bytes, NULL);
  g_assert_cmpmem (data + 4, 12, "\0Caf\xe9 \xd1" "and\xfa\0", 12);

  /* Cyrillic is refused with a message naming the track, the field and the character. */
  lq_cdtext_set (text, 1, LQ_CDTEXT_PERFORMER, "Кино");
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = lq_cdtext_encode (text, &error);
  g_assert_null (bytes);
  g_assert_error (error, LQ_CDTEXT_ERROR, LQ_CDTEXT_ERROR_CHARSET);
  g_assert_nonnull (strstr (error->message, "Track 1"));
  g_assert_nonnull (strstr (error->message, "performer"));
  g_assert_nonnull (strstr (error->message, "К"));
  g_assert_nonnull (strstr (error->message, "8859-1"));
  g_clear_error (&error);
  g_assert_false (lq_cdtext_check_text (text, 1, LQ_CDTEXT_PERFORMER, NULL));
  g_assert_true (lq_cdtext_check_text (text, 1, LQ_CDTEXT_TITLE, NULL));

  /* The euro sign is not in ISO 8859-1 (it is in 8859-15 and Windows-1252). */
  lq_cdtext_set (text, 1, LQ_CDTEXT_PERFORMER, "5 €");
  g_assert_false (lq_cdtext_check_text (text, 1, LQ_CDTEXT_PERFORMER, &error));
  g_assert_error (error, LQ_CDTEXT_ERROR, LQ_CDTEXT_ERROR_CHARSET);
}

/* 99 tracks with 40-character titles and performers: 1 + 99 * 41 = 4060 bytes of each, 339
 * packs each, far more than 256. */
static void
test_size_limit (void)
{
  g_autoptr(LqCdText) text = lq_cdtext_new (99);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  char name[41];

  memset (name, 'x', 40);
  name[40] = '\0';
  for (guint t = 1; t <= 99; t++)
    {
      lq_cdtext_set (text, t, LQ_CDTEXT_TITLE, name);
      lq_cdtext_set (text, t, LQ_CDTEXT_PERFORMER, name);
    }
  bytes = lq_cdtext_encode (text, &error);
  g_assert_null (bytes);
  g_assert_error (error, LQ_CDTEXT_ERROR, LQ_CDTEXT_ERROR_SIZE);
  g_assert_nonnull (strstr (error->message, "256"));
  g_clear_error (&error);

  /* 253 text packs + 3 size packs = 256 exactly fits: 253 * 12 = 3036 bytes of title. */
  {
    g_autoptr(LqCdText) fits = lq_cdtext_new (1);
    g_autofree char *title = g_strnfill (253 * 12 - 3, 'y');

    /* The unset disc title is one NUL, then the track's title and its NUL: 3036 bytes. */
    lq_cdtext_set (fits, 1, LQ_CDTEXT_TITLE, title);
    g_clear_pointer (&bytes, g_bytes_unref);
    bytes = lq_cdtext_encode (fits, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_bytes_get_size (bytes), ==, 256 * 18);

    lq_cdtext_set (fits, 0, LQ_CDTEXT_TITLE, "zz"); /* 2 more bytes: one pack too many */
    g_clear_pointer (&bytes, g_bytes_unref);
    bytes = lq_cdtext_encode (fits, &error);
    g_assert_null (bytes);
    g_assert_error (error, LQ_CDTEXT_ERROR, LQ_CDTEXT_ERROR_SIZE);
  }
}

static void
test_round_trip (void)
{
  g_autoptr(LqCdText) text = lq_cdtext_new (3);
  g_autoptr(LqCdText) back = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *data;
  gsize size;

  lq_cdtext_set (text, 0, LQ_CDTEXT_TITLE, "Lacquer Demo Album");
  lq_cdtext_set (text, 0, LQ_CDTEXT_PERFORMER, "The Lacquer Demo Band");
  lq_cdtext_set (text, 0, LQ_CDTEXT_MESSAGE, "Mastered with Lacquer");
  lq_cdtext_set (text, 0, LQ_CDTEXT_GENRE, "jazz");
  lq_cdtext_set (text, 0, LQ_CDTEXT_CODE, "0123456789012");
  lq_cdtext_set (text, 1, LQ_CDTEXT_TITLE, "Morning Static");
  lq_cdtext_set (text, 2, LQ_CDTEXT_TITLE, "Déjà vu à Paris, a longer title than twelve");
  lq_cdtext_set (text, 3, LQ_CDTEXT_TITLE, "Three");
  lq_cdtext_set (text, 2, LQ_CDTEXT_COMPOSER, "Zoë");
  lq_cdtext_set (text, 3, LQ_CDTEXT_CODE, "USABC2600003");
  g_assert_cmpuint (lq_cdtext_get_genre_code (text), ==, 0x000E); /* "Jazz" in the genre table */

  bytes = lq_cdtext_encode (text, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (bytes, &size);
  for (gsize off = 0; off < size; off += 18)
    assert_pack_crc (data + off);
  /* Sequence numbers run 0, 1, 2, ... over the whole block. */
  for (gsize off = 0; off < size; off += 18)
    g_assert_cmpuint (data[off + 2], ==, off / 18);

  back = lq_cdtext_decode (data, size, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lq_cdtext_get_n_tracks (back), ==, 3);
  for (guint t = 0; t <= 3; t++)
    for (guint f = 0; f < LQ_CDTEXT_N_FIELDS; f++)
      g_assert_cmpstr (lq_cdtext_get (back, t, f), ==, lq_cdtext_get (text, t, f));
  g_assert_cmpuint (lq_cdtext_get_genre_code (back), ==, 0x000E);
}

/* Packs another writer might make: a TAB for "same as the previous track". */
static void
test_decode_tab (void)
{
  guint8 packs[5][18];
  g_autoptr(LqCdText) text = NULL;
  g_autoptr(GError) error = NULL;
  char info[36] = { 0 };

  /* Performer stream: "" (disc), "Band", TAB, "Solo" */
  make_pack (packs[0], 0x81, 0, 0, 0, "\0Band\0\t\0Solo", 12);
  make_pack (packs[1], 0x81, 3, 1, 4, "", 1);
  info[1] = 1;
  info[2] = 3;
  info[4 + 1] = 2;
  info[4 + 15] = 3;
  info[20] = 4;
  info[28] = 0x09;
  for (guint i = 0; i < 3; i++)
    make_pack (packs[2 + i], 0x8F, i, 2 + i, 0, info + 12 * i, 12);

  text = lq_cdtext_decode ((const guint8 *) packs, sizeof packs, &error);
  g_assert_no_error (error);
  g_assert_null (lq_cdtext_get (text, 0, LQ_CDTEXT_PERFORMER));
  g_assert_cmpstr (lq_cdtext_get (text, 1, LQ_CDTEXT_PERFORMER), ==, "Band");
  g_assert_cmpstr (lq_cdtext_get (text, 2, LQ_CDTEXT_PERFORMER), ==, "Band");
  g_assert_cmpstr (lq_cdtext_get (text, 3, LQ_CDTEXT_PERFORMER), ==, "Solo");

  /* One flipped bit is a CRC error. */
  packs[0][7] ^= 0x01;
  g_clear_pointer (&text, lq_cdtext_free);
  text = lq_cdtext_decode ((const guint8 *) packs, sizeof packs, &error);
  g_assert_null (text);
  g_assert_error (error, LQ_CDTEXT_ERROR, LQ_CDTEXT_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "CRC"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lq/cdtext/crc-reference", test_crc_reference);
  g_test_add_func ("/lq/cdtext/layout", test_layout);
  g_test_add_func ("/lq/cdtext/latin1", test_latin1);
  g_test_add_func ("/lq/cdtext/size-limit", test_size_limit);
  g_test_add_func ("/lq/cdtext/round-trip", test_round_trip);
  g_test_add_func ("/lq/cdtext/decode-tab", test_decode_tab);
  return g_test_run ();
}

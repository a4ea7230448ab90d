/* SPDX-License-Identifier: GPL-3.0-or-later */
/* DDP 2.00 export and verification against references that are not the writer:
 * - DDPID, DDPMS and the PQ descriptor written by hand here from the tables in
 *   shared/reference/cd-and-ddp.md and the album's numbers, compared field by field;
 * - md5sum(1) checks CHECKSUM.MD5; IMAGE.DAT is read here as raw little-endian samples and
 *   equals the 16-bit render made here (the engine's float render, dithered here with the
 *   lqdither kernel at the documented settings), its pre-gap digital silence;
 * - CD-Text CRCs by an independent bitwise CRC;
 * - the reader on our fileset (round trip, decode, null test) and on a fileset written by hand
 *   the way other tools do (other names, zero-padded numbers, two lead-outs, BSD checksums);
 * - failures: a broken rule, an unwritable folder, a full disk (RLIMIT_FSIZE), a cancel, an
 *   existing folder: clear errors and nothing left behind;
 * - the command line's exit codes. */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gst/gst.h>

#include "../lq-test-util.h"
#include "lq-ddp-reader.h"
#include "lq-ddp.h"
#include "lq-decoder.h"
#include "lq-dither.h"
#include "lq-elements.h"
#include "lq-render.h"
#include "lq-synth.h"
#include "lq-wav.h"

#define RATE 44100
#define SECTOR 588

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("lq-ddp-XXXXXX", NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_chmod (f->dir, 0755);
  lq_test_remove_tree (f->dir);
  g_free (f->dir);
}

static char *
path_in (Fixture *f, const char *name)
{
  return g_build_filename (f->dir, name, NULL);
}

/* A stereo 16-bit WAV of @seconds of quiet noise (different in each file and channel). */
static GFile *
write_source (Fixture *f, const char *name, double seconds, guint seed)
{
  guint64 frames = (guint64) (seconds * RATE + 0.5);
  g_autofree float *audio = g_new (float, frames * 2);
  g_autofree char *path = path_in (f, name);
  GFile *file = g_file_new_for_path (path);

  lq_synth_noise (audio, frames, 2, 0.25, seed);
  g_assert_true (lq_wav_write_file (file, audio, frames, 2, RATE, LQ_WAV_FLOAT32, NULL, NULL));
  return file;
}

static LqTrack *
add_track (LqProject *project, GFile *file, double pause, const char *title, const char *isrc)
{
  g_autoptr(LqTrack) track = lq_track_new (file);

  g_assert_true (lq_track_probe (track, NULL, NULL));
  g_object_set (track, "pause", (guint64) (pause * RATE + 0.5), "title", title, "isrc", isrc, NULL);
  lq_project_append_track (project, track);
  return track;
}

/*
 * The golden album (CD mode, 44.1 kHz), its numbers worked out from the timeline's rules:
 *   track 1: 5.0 s, the 2 s pre-gap: index 00 at 0, index 01 at 150 frames; index 02 at 2 s
 *            into the track (150 frames later, at 300); it ends at 150 + 375 = 525
 *   track 2: 4.5 s after a 1.5 s pause: index 00 at 525, index 01 at
 *            ceil((525 * 588 + 66150) / 588) = ceil(637.5) = 638; ends at 638 + 337.5 = 975.5
 *   track 3: 6.0 s, no pause: index 01 at ceil(975.5) = 976 (no index 00); ends at 976 + 450
 *   lead-out 1426 frames = 00:19:01
 */
#define T1_START 150
#define T1_INDEX2 300
#define T2_INDEX0 525
#define T2_START 638
#define T3_START 976
#define LEADOUT 1426

static LqProject *
make_golden (Fixture *f)
{
  LqProject *project = lq_project_new ();
  g_autoptr(GFile) a = write_source (f, "a.wav", 5.0, 1);
  g_autoptr(GFile) b = write_source (f, "b.wav", 4.5, 2);
  g_autoptr(GFile) c = write_source (f, "c.wav", 6.0, 3);
  const guint64 index2[] = { 2 * RATE };
  LqTrack *first;

  g_object_set (project, "rate", RATE, "cd-mode", TRUE, "title", "Golden Album", "artist", "The Testers",
                "upc", "036000291452", NULL);
  first = add_track (project, a, 0.0, "First", "USABC2600001");
  add_track (project, b, 1.5, "Café Second", "USABC2600002");
  add_track (project, c, 0.0, "Third", NULL);
  lq_track_set_indexes (first, index2, 1);
  return project;
}

/* ---- hand-written descriptor records ---- */

static void
rec_text (guint8 *r, guint off, guint len, const char *text)
{
  gsize n = strlen (text);

  g_assert_cmpuint (n, <=, len);
  memcpy (r + off, text, n);
  memset (r + off + n, ' ', len - n);
}

static void
rec_number (guint8 *r, guint off, guint len, guint64 value, char pad)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, value);
  gsize n = strlen (digits);

  g_assert_cmpuint (n, <=, len);
  memset (r + off, pad, len - n);
  memcpy (r + off + len - n, digits, n);
}

typedef struct
{
  const char *name;
  guint off, len;
} Field;

static const Field ddpid_fields[] = {
  { "level", 0, 8 }, { "UPC/EAN", 8, 13 }, { "MSS", 21, 8 }, { "MSL", 29, 8 }, { "MED", 37, 1 },
  { "master ID", 38, 48 }, { "BK", 86, 1 }, { "TYPE", 87, 2 }, { "sides/layers", 89, 4 },
  { "user text", 93, 35 },
};

static const Field ddpms_fields[] = {
  { "VVVM", 0, 4 }, { "DST", 4, 2 }, { "DSP", 6, 8 }, { "DSL", 14, 8 }, { "DSS", 22, 8 },
  { "SUB", 30, 8 }, { "CDM", 38, 2 }, { "SSM", 40, 1 }, { "SCR", 41, 1 }, { "PRE1", 42, 4 },
  { "PRE2", 46, 4 }, { "PST", 50, 4 }, { "MED", 54, 1 }, { "TRK", 55, 2 }, { "IDX", 57, 2 },
  { "ISRC", 59, 12 }, { "DSI length", 71, 3 }, { "DSI", 74, 17 }, { "rest", 91, 37 },
};

static const Field pq_fields[] = {
  { "VVVS", 0, 4 }, { "track", 4, 2 }, { "index", 6, 2 }, { "hours", 8, 2 }, { "minutes", 10, 2 },
  { "seconds", 12, 2 }, { "frames", 14, 2 }, { "CB1", 16, 2 }, { "CB2", 18, 2 }, { "ISRC", 20, 12 },
  { "UPC/EAN", 32, 13 }, { "comment", 45, 19 },
};

/* Compares records of @size bytes field by field, naming the first field that differs. */
static void
assert_records (const char   *what,
                const guint8 *got,
                gsize         got_size,
                const guint8 *expected,
                gsize         expected_size,
                gsize         size,
                const Field  *fields,
                guint         n_fields)
{
  guint covered = 0;

  for (guint i = 0; i < n_fields; i++)
    covered += fields[i].len;
  g_assert_cmpuint (covered, ==, size); /* the table spans the record */
  g_assert_cmpuint (got_size, ==, expected_size);
  for (gsize r = 0; r < expected_size / size; r++)
    for (guint i = 0; i < n_fields; i++)
      {
        const guint8 *a = got + r * size + fields[i].off;
        const guint8 *b = expected + r * size + fields[i].off;

        if (memcmp (a, b, fields[i].len) != 0)
          g_error ("%s record %zu, field %s (offset %u): “%.*s”, expected “%.*s”", what, r + 1, fields[i].name,
                   fields[i].off, fields[i].len, a, fields[i].len, b);
      }
}

static GBytes *
read_bytes (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *data;
  gsize size;

  g_assert_true (g_file_get_contents (path, &data, &size, NULL));
  return g_bytes_new_take (data, size);
}

static void
add_pq (GByteArray *pq, const char *track, guint index, guint64 frames, const char *isrc, const char *upc)
{
  guint8 r[64];

  memset (r, ' ', sizeof r);
  rec_text (r, 0, 4, "VVVS");
  rec_text (r, 4, 2, track);
  rec_number (r, 6, 2, index, '0');
  rec_number (r, 10, 2, frames / 75 / 60, '0');
  rec_number (r, 12, 2, frames / 75 % 60, '0');
  rec_number (r, 14, 2, frames % 75, '0');
  rec_text (r, 16, 2, "01");
  rec_text (r, 20, 12, isrc);
  rec_text (r, 32, 13, upc);
  g_byte_array_append (pq, r, sizeof r);
}

static gsize
check_descriptors (const char *ddp)
{
  g_autoptr(GBytes) ddpid = read_bytes (ddp, "DDPID");
  g_autoptr(GBytes) ddpms = read_bytes (ddp, "DDPMS");
  g_autoptr(GBytes) pq = read_bytes (ddp, "PQDESCR");
  g_autoptr(GBytes) cdtext = read_bytes (ddp, "CDTEXT.BIN");
  g_autoptr(GByteArray) want_pq = g_byte_array_new ();
  guint8 want_id[128], want_ms[3][128];
  gsize size;

  /* DDPID */
  memset (want_id, ' ', sizeof want_id);
  rec_text (want_id, 0, 8, "DDP 2.00");
  rec_text (want_id, 8, 13, "0036000291452"); /* the 12-digit UPC-A with a leading 0 */
  rec_text (want_id, 38, 48, "Golden Album");
  rec_text (want_id, 87, 2, "CD");
  assert_records ("DDPID", g_bytes_get_data (ddpid, NULL), g_bytes_get_size (ddpid), want_id, 128, 128,
                  ddpid_fields, G_N_ELEMENTS (ddpid_fields));

  /* PQ descriptor: lead-in with the UPC, ISRCs on index 00 and 01, lead-out at DSL. */
  add_pq (want_pq, "00", 0, 0, "", "0036000291452");
  add_pq (want_pq, "01", 0, 0, "USABC2600001", "");
  add_pq (want_pq, "01", 1, T1_START, "USABC2600001", "");
  add_pq (want_pq, "01", 2, T1_INDEX2, "", "");
  add_pq (want_pq, "02", 0, T2_INDEX0, "USABC2600002", "");
  add_pq (want_pq, "02", 1, T2_START, "USABC2600002", "");
  add_pq (want_pq, "03", 1, T3_START, "", "");
  add_pq (want_pq, "AA", 1, LEADOUT, "", "");
  /* The example line of the reference, for the times' layout: 00:08:38 and 00:19:01. */
  g_assert_cmpmem (want_pq->data + 5 * 64, 18, "VVVS0201  00083801", 18);
  g_assert_cmpmem (want_pq->data + 7 * 64, 18, "VVVSAA01  00190101", 18);
  assert_records ("PQDESCR", g_bytes_get_data (pq, NULL), g_bytes_get_size (pq), want_pq->data, want_pq->len,
                  64, pq_fields, G_N_ELEMENTS (pq_fields));

  /* DDPMS: D0 audio, S0 PQ, S0 CD-Text. */
  size = g_bytes_get_size (cdtext);
  g_assert_cmpuint (size % 18, ==, 0);
  for (guint i = 0; i < 3; i++)
    {
      memset (want_ms[i], ' ', 128);
      rec_text (want_ms[i], 0, 4, "VVVM");
      want_ms[i][41] = '0';
      rec_number (want_ms[i], 71, 3, 17, ' ');
    }
  rec_text (want_ms[0], 4, 2, "D0");
  rec_number (want_ms[0], 14, 8, LEADOUT, ' ');
  rec_number (want_ms[0], 22, 8, 0, ' ');
  rec_text (want_ms[0], 38, 2, "DA");
  want_ms[0][40] = '7';
  rec_number (want_ms[0], 46, 4, 150, ' ');
  rec_text (want_ms[0], 74, 17, "IMAGE.DAT");
  rec_text (want_ms[1], 4, 2, "S0");
  rec_number (want_ms[1], 14, 8, 8 * 64, ' ');
  rec_text (want_ms[1], 30, 8, "PQ DESCR");
  rec_text (want_ms[1], 74, 17, "PQDESCR");
  rec_text (want_ms[2], 4, 2, "S0");
  rec_number (want_ms[2], 14, 8, size, ' ');
  rec_text (want_ms[2], 30, 8, "CDTEXT");
  rec_text (want_ms[2], 55, 2, "00");
  rec_text (want_ms[2], 74, 17, "CDTEXT.BIN");
  assert_records ("DDPMS", g_bytes_get_data (ddpms, NULL), g_bytes_get_size (ddpms), (guint8 *) want_ms,
                  sizeof want_ms, 128, ddpms_fields, G_N_ELEMENTS (ddpms_fields));
  return size;
}

/* CRC-16 (poly 0x1021, init 0, MSB first), bit by bit, as the reference defines it. */
static guint16
crc16_bitwise (const guint8 *data, gsize len)
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

static void
check_cdtext_file (const char *ddp)
{
  g_autoptr(GBytes) bytes = read_bytes (ddp, "CDTEXT.BIN");
  gsize size;
  const guint8 *p = g_bytes_get_data (bytes, &size);
  gboolean found_cafe = FALSE;
  const guint8 cafe[] = { 'C', 'a', 'f', 0xE9 };

  for (gsize off = 0; off < size; off += 18)
    {
      guint16 crc = crc16_bitwise (p + off, 16) ^ 0xFFFF;

      g_assert_cmphex (p[off + 16] << 8 | p[off + 17], ==, crc);
      g_assert_cmpuint (p[off + 2], ==, off / 18); /* sequence numbers */
      for (guint k = 0; k + 4 <= 12; k++)
        if (p[off] == 0x80 && memcmp (p + off + 4 + k, cafe, 4) == 0)
          found_cafe = TRUE; /* ISO 8859-1 é: "Golden Album\0First\0Café" puts it in pack 2 */
    }
  /* The last three packs are the size information. */
  g_assert_cmphex (p[size - 18], ==, 0x8F);
  g_assert_cmphex (p[size - 36], ==, 0x8F);
  g_assert_cmphex (p[size - 54], ==, 0x8F);
  g_assert_true (found_cafe);
}

/* The 16-bit render, made here: the engine's float render at 44.1 kHz, dithered with the
 * lqdither kernel as LqCdRender documents (16 bits, flat TPDF, its seed, mute on silence),
 * padded with zeros to whole sectors, silent before track 1's index 01 (@pregap frames). */
static gint16 *
reference_render (Fixture *f, LqProject *project, guint64 pregap, guint64 *frames_out)
{
  g_autofree char *path = path_in (f, "reference.wav");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  LqRenderOptions options = { .format = LQ_WAV_FLOAT32, .rate = RATE };
  g_autoptr(LqDecoder) decoder = NULL;
  g_autofree float *audio = NULL;
  gint16 *codes;
  guint64 n, padded;
  LqDither *dither;
  gssize got;

  g_assert_true (lq_render_album (project, file, &options, NULL, NULL, NULL, NULL));
  decoder = lq_decoder_new (file, 0, NULL);
  g_assert_nonnull (decoder);
  n = lq_decoder_get_n_frames (decoder);
  padded = (n + SECTOR - 1) / SECTOR * SECTOR;
  audio = g_new0 (float, n * 2);
  got = lq_decoder_read (decoder, audio, n, NULL);
  g_assert_cmpint (got, ==, (gssize) n);
  codes = g_new0 (gint16, padded * 2);
  dither = lq_dither_new (RATE, 2);
  lq_dither_set_bits (dither, 16);
  lq_dither_set_shape (dither, LQ_DITHER_SHAPE_NONE);
  lq_dither_set_mute_silence (dither, 1);
  lq_dither_set_seed (dither, LQ_CD_RENDER_DITHER_SEED);
  lq_dither_process_s16 (dither, audio, codes, n);
  lq_dither_free (dither);
  memset (codes, 0, pregap * SECTOR * 2 * sizeof (gint16));
  g_unlink (path);
  *frames_out = padded;
  return codes;
}

static void
check_image (Fixture *f, LqProject *project, const char *ddp)
{
  g_autoptr(GBytes) image = read_bytes (ddp, "IMAGE.DAT");
  gsize size;
  const guint8 *p = g_bytes_get_data (image, &size);
  guint64 frames;
  g_autofree gint16 *reference = reference_render (f, project, T1_START, &frames);
  guint64 differing = 0;

  g_assert_cmpuint (size, ==, (gsize) LEADOUT * 2352);
  g_assert_cmpuint (frames, ==, (guint64) LEADOUT * SECTOR);
  for (gsize i = 0; i < size / 2; i++)
    {
      gint16 v = (gint16) (guint16) (p[2 * i] | p[2 * i + 1] << 8);

      if (i < (gsize) T1_START * SECTOR * 2)
        g_assert_cmpint (v, ==, 0); /* the pre-gap is digital silence */
      differing += v != reference[i];
    }
  g_assert_cmpuint (differing, ==, 0);
  /* And it is not silence: the tracks' noise is there. */
  g_assert_cmpint (reference[(T2_START * SECTOR + 1000) * 2], !=, 0);
}

/* The PQ sheet lists every index point with the album's times; lengths run from index 01 to
 * the next index 01 (track 1: 638 - 150 = 488 frames = 00:06:38), pauses from 00 to 01. */
static void
check_pq_sheet (const char *ddp)
{
  g_autoptr(GBytes) text = read_bytes (ddp, "PQSHEET.TXT");
  g_autoptr(GBytes) pdf = read_bytes (ddp, "PQSHEET.PDF");
  g_autofree char *sheet = g_strndup (g_bytes_get_data (text, NULL), g_bytes_get_size (text));
  const char *rows[] = {
    "\n01   00   00:00:00  00:02:00                (pre-gap)\n",
    "\n01   01   00:02:00  00:06:38  USABC2600001  First\n",
    "\n01   02   00:04:00                          \n",
    "\n02   00   00:07:00  00:01:38                (pause)\n",
    "\n02   01   00:08:38  00:04:38  USABC2600002  Café Second\n",
    "\n03   01   00:13:01  00:06:00                Third\n",
    "\nAA   01   00:19:01                          (lead-out)\n",
  };
  gsize size;
  const char *p = g_bytes_get_data (pdf, &size);

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    if (strstr (sheet, rows[i]) == NULL)
      g_error ("PQSHEET.TXT has no line “%s”:\n%s", rows[i] + 1, sheet);
  g_assert_nonnull (strstr (sheet, "0036000291452"));
  g_assert_nonnull (strstr (sheet, "00:19:01 (lead-out address, 1426 sectors)"));
  g_assert_cmpuint (size, >, 1000);
  g_assert_cmpmem (p, 5, "%PDF-", 5);
  g_assert_cmpmem (p + size - 6, 6, "%%EOF\n", 6);
}

static void
run (const char *const *argv, const char *cwd, int *exit_status, char **out)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_true (g_spawn_sync (cwd, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | (out ? 0 : G_SPAWN_STDOUT_TO_DEV_NULL),
                               NULL, NULL, out, NULL, &status, &error));
  g_assert_no_error (error);
  *exit_status = WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
test_golden (Fixture *f, gconstpointer data)
{
  g_autoptr(LqProject) project = make_golden (f);
  g_autofree char *ddp = path_in (f, "GOLDEN");
  g_autoptr(GFile) folder = g_file_new_for_path (ddp);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) issues = lq_redbook_issues_new ();
  g_autofree char *listing = NULL;
  g_autofree char *parent = NULL;
  LqDdpOptions options;
  int status;
  const char *md5sum[] = { "md5sum", "--check", "--strict", "--quiet", "CHECKSUM.MD5", NULL };

  lq_ddp_options_init (&options);
  options.issues = issues;
  g_assert_true (lq_ddp_export (project, folder, &options, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (issues->len, ==, 0);

  listing = lq_test_list_folder (ddp, " ");
  g_assert_cmpstr (listing, ==, "CDTEXT.BIN CHECKSUM.MD5 DDPID DDPMS IMAGE.DAT PQDESCR PQSHEET.PDF PQSHEET.TXT");
  parent = lq_test_list_folder (f->dir, " ");
  g_assert_cmpstr (parent, ==, "GOLDEN a.wav b.wav c.wav"); /* no temporary folder left */

  check_descriptors (ddp);
  check_cdtext_file (ddp);
  run (md5sum, ddp, &status, NULL);
  g_assert_cmpint (status, ==, 0);
  check_image (f, project, ddp);
  check_pq_sheet (ddp);
}

/* Export, read back, decode: the reader sees what the project described, the decoded tracks
 * are the image's samples, and the null test against the project is clean. */
static void
test_round_trip (Fixture *f, gconstpointer data)
{
  g_autoptr(LqProject) project = make_golden (f);
  g_autofree char *ddp = path_in (f, "DDP");
  g_autofree char *tracks = path_in (f, "tracks");
  g_autoptr(GFile) folder = g_file_new_for_path (ddp);
  g_autoptr(GFile) tracks_folder = g_file_new_for_path (tracks);
  g_autoptr(GError) error = NULL;
  g_autoptr(LqDdpReader) reader = NULL;
  g_autoptr(GPtrArray) issues = lq_redbook_issues_new ();
  g_autoptr(LqCdDisc) expected = lq_cd_disc_new_from_project (project, NULL);
  g_autoptr(GBytes) image = NULL;
  g_autofree char *listing = NULL;
  const LqCdDisc *disc;
  const guint64 starts[] = { T1_START, T2_START, T3_START, LEADOUT };
  const char *names[] = { "01 - First.wav", "02 - Café Second.wav", "03 - Third.wav" };
  LqDdpNullTest result;

  g_assert_true (lq_ddp_export (project, folder, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  reader = lq_ddp_reader_open (folder, &error);
  g_assert_no_error (error);
  g_assert_true (lq_ddp_reader_verify (reader, NULL, issues, NULL, &error));
  for (guint i = 0; i < issues->len; i++)
    g_test_message ("%s", ((LqRedbookIssue *) issues->pdata[i])->message);
  g_assert_cmpuint (issues->len, ==, 0);

  disc = lq_ddp_reader_get_disc (reader);
  g_assert_cmpstr (lq_ddp_reader_get_level (reader), ==, "DDP 2.00");
  g_assert_cmpstr (lq_ddp_reader_get_master_id (reader), ==, "Golden Album");
  g_assert_cmpuint (disc->n_tracks, ==, 3);
  g_assert_cmpuint (disc->length, ==, LEADOUT);
  g_assert_cmpstr (disc->upc, ==, "0036000291452");
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpuint (disc->tracks[i].start, ==, starts[i]);
      g_assert_cmpuint (disc->tracks[i].index0, ==, expected->tracks[i].index0);
      g_assert_cmpuint (disc->tracks[i].n_indexes, ==, expected->tracks[i].n_indexes);
      g_assert_cmpstr (disc->tracks[i].isrc, ==, expected->tracks[i].isrc);
      for (guint t = 0; t < LQ_CDTEXT_N_FIELDS; t++)
        g_assert_cmpstr (lq_cdtext_get (disc->cdtext, i + 1, t), ==, lq_cdtext_get (expected->cdtext, i + 1, t));
    }
  g_assert_cmpuint (disc->tracks[1].index0, ==, T2_INDEX0);
  g_assert_cmpuint (disc->tracks[2].index0, ==, T3_START);
  g_assert_cmpuint (disc->tracks[0].indexes[0], ==, T1_INDEX2);
  g_assert_cmpstr (lq_cdtext_get (disc->cdtext, 0, LQ_CDTEXT_TITLE), ==, "Golden Album");
  g_assert_cmpstr (lq_cdtext_get (disc->cdtext, 0, LQ_CDTEXT_PERFORMER), ==, "The Testers");

  /* Decoding: each track from its index 01 to the next index 01, as 16-bit WAV files whose
   * data chunks are the image's bytes there. */
  g_assert_true (lq_ddp_reader_decode_tracks (reader, tracks_folder, FALSE, NULL, &error));
  g_assert_no_error (error);
  listing = lq_test_list_folder (tracks, " ");
  g_assert_cmpstr (listing, ==, "01 - First.wav 02 - Café Second.wav 03 - Third.wav");
  image = read_bytes (ddp, "IMAGE.DAT");
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GBytes) wav = read_bytes (tracks, names[i]);
      gsize size, want = (starts[i + 1] - starts[i]) * 2352;
      const guint8 *w = g_bytes_get_data (wav, &size);

      /* A plain 44-byte PCM header: 16-bit, stereo, 44.1 kHz, then the data. */
      g_assert_cmpuint (size, ==, 44 + want);
      g_assert_cmpmem (w + 36, 4, "data", 4);
      g_assert_cmpuint (w[22] | w[23] << 8, ==, 2);
      g_assert_cmpuint (w[24] | w[25] << 8 | w[26] << 16 | (guint) w[27] << 24, ==, RATE);
      g_assert_cmpuint (w[34] | w[35] << 8, ==, 16);
      g_assert_cmpmem (w + 44, want, (const guint8 *) g_bytes_get_data (image, NULL) + starts[i] * 2352, want);
    }

  /* The null test against the project: identical. */
  {
    g_autoptr(GFile) scratch = g_file_new_for_path (f->dir);

    g_assert_true (lq_ddp_reader_null_test (reader, project, scratch, &result, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (result.image_frames, ==, (guint64) LEADOUT * SECTOR);
    g_assert_cmpuint (result.render_frames, ==, result.image_frames);
    g_assert_cmpuint (result.differing_samples, ==, 0);
    g_assert_cmpuint (result.first_difference, ==, G_MAXUINT64);
  }
}

/* A changed sample is caught twice: by the checksum and by the null test. A PQ descriptor
 * whose lead-out disagrees with the image is a structure error. */
static void
test_corruption (Fixture *f, gconstpointer data)
{
  g_autoptr(LqProject) project = make_golden (f);
  g_autofree char *ddp = path_in (f, "DDP");
  g_autofree char *image_path = g_build_filename (ddp, "IMAGE.DAT", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (ddp);
  g_autoptr(GFile) scratch = g_file_new_for_path (f->dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(LqDdpReader) reader = NULL;
  g_autoptr(GPtrArray) issues = lq_redbook_issues_new ();
  guint64 frame = T2_START * SECTOR + 12345;
  LqDdpNullTest result;
  gboolean found = FALSE;
  FILE *fp;
  int c;

  g_assert_true (lq_ddp_export (project, folder, NULL, NULL, NULL, NULL, &error));

  /* Add 1 to the right channel's low byte of one frame (a one-step change, unless it carries). */
  fp = fopen (image_path, "r+b");
  g_assert_nonnull (fp);
  fseek (fp, (long) (frame * 4 + 2), SEEK_SET);
  c = fgetc (fp);
  fseek (fp, (long) (frame * 4 + 2), SEEK_SET);
  fputc (c ^ 0x01, fp);
  fclose (fp);

  reader = lq_ddp_reader_open (folder, &error);
  g_assert_no_error (error);
  g_assert_true (lq_ddp_reader_verify (reader, NULL, issues, NULL, &error));
  for (guint i = 0; i < issues->len; i++)
    {
      LqRedbookIssue *issue = issues->pdata[i];

      g_test_message ("%s", issue->message);
      if (issue->rule == LQ_RULE_CHECKSUM && issue->severity == LQ_CHECK_ERROR
          && strstr (issue->message, "IMAGE.DAT") != NULL)
        found = TRUE;
    }
  g_assert_true (found);
  g_assert_cmpuint (lq_redbook_issues_count (issues, LQ_CHECK_ERROR), ==, 1);

  g_assert_true (lq_ddp_reader_null_test (reader, project, scratch, &result, NULL, &error));
  g_assert_cmpuint (result.differing_samples, ==, 1);
  g_assert_cmpuint (result.max_difference, ==, 1);
  g_assert_cmpuint (result.first_difference, ==, frame);
  g_clear_pointer (&reader, lq_ddp_reader_free);

  /* Cut the PQ descriptor's last packet (the lead-out): the reader says so. */
  {
    g_autofree char *pq = g_build_filename (ddp, "PQDESCR", NULL);
    g_autoptr(GBytes) bytes = read_bytes (ddp, "PQDESCR");

    g_assert_true (g_file_set_contents (pq, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes) - 64, NULL));
    reader = lq_ddp_reader_open (folder, &error);
    g_assert_no_error (error);
    g_ptr_array_set_size (issues, 0);
    g_assert_true (lq_ddp_reader_verify (reader, NULL, issues, NULL, &error));
    found = FALSE;
    for (guint i = 0; i < issues->len; i++)
      {
        LqRedbookIssue *issue = issues->pdata[i];

        g_test_message ("%s", issue->message);
        if (issue->rule == LQ_RULE_STRUCTURE && strstr (issue->message, "lead-out") != NULL)
          found = TRUE;
      }
    g_assert_true (found);
  }
}

/* A fileset the way another tool may write it: other file names (found through DSI), lower
 * case on disk, zero-padded numbers, DSI length 9, hours "00", two lead-out packets, no
 * CD-Text, a BSD-style checksum file. */
static void
test_foreign (Fixture *f, gconstpointer data)
{
  g_autofree char *ddp = path_in (f, "foreign");
  g_autoptr(GFile) folder = g_file_new_for_path (ddp);
  g_autoptr(GError) error = NULL;
  g_autoptr(LqDdpReader) reader = NULL;
  g_autoptr(GPtrArray) issues = lq_redbook_issues_new ();
  g_autoptr(GByteArray) pq = g_byte_array_new ();
  g_autoptr(GString) sums = g_string_new (NULL);
  const guint64 sectors = 150 + 300 + 350;
  gsize image_size = sectors * 2352;
  g_autofree guint8 *image = g_malloc0 (image_size);
  guint8 id[128], ms[2][128];
  const LqCdDisc *disc;
  gint16 samples[4];
  struct { const char *name; const guint8 *data; gsize size; } files[4];

  g_assert_cmpint (g_mkdir (ddp, 0755), ==, 0);
  /* Audio: the pre-gap silent, then a ramp, little-endian. */
  for (gsize i = 150 * 2352 / 2; i < image_size / 2; i++)
    {
      guint16 v = (guint16) (gint16) ((i % 2000) - 1000);

      image[2 * i] = v & 0xFF;
      image[2 * i + 1] = v >> 8;
    }
  memset (id, ' ', 128);
  rec_text (id, 0, 8, "DDP 2.00");
  rec_text (id, 38, 48, "FOREIGN-0001");
  rec_text (id, 87, 2, "CD");
  for (guint i = 0; i < 2; i++)
    {
      memset (ms[i], ' ', 128);
      rec_text (ms[i], 0, 4, "VVVM");
      ms[i][41] = '0';
    }
  rec_text (ms[0], 4, 2, "D0");
  rec_number (ms[0], 14, 8, sectors, '0');
  rec_number (ms[0], 22, 8, 0, '0');
  rec_text (ms[0], 38, 2, "DA");
  ms[0][40] = '7';
  rec_number (ms[0], 46, 4, 150, '0');
  rec_number (ms[0], 71, 3, 9, '0');
  rec_text (ms[0], 74, 17, "AUDIO.IMG");
  rec_text (ms[1], 4, 2, "S0");
  rec_number (ms[1], 14, 8, 6 * 64, '0');
  rec_text (ms[1], 30, 8, "PQ DESCR");
  rec_number (ms[1], 71, 3, 2, '0');
  rec_text (ms[1], 74, 17, "SD");

  add_pq (pq, "00", 0, 0, "", "");
  add_pq (pq, "01", 0, 0, "GBAYE6800011", "");
  add_pq (pq, "01", 1, 150, "GBAYE6800011", "");
  add_pq (pq, "02", 1, 450, "GBAYE6800012", "");
  add_pq (pq, "AA", 1, sectors, "", "");
  add_pq (pq, "AA", 1, sectors, "", "");
  for (guint i = 0; i < pq->len / 64; i++)
    rec_text (pq->data + i * 64, 8, 2, "00"); /* hours "00" */

  files[0].name = "ddpid"; files[0].data = id; files[0].size = 128;
  files[1].name = "ddpms"; files[1].data = (guint8 *) ms; files[1].size = sizeof ms;
  files[2].name = "sd"; files[2].data = pq->data; files[2].size = pq->len;
  files[3].name = "audio.img"; files[3].data = image; files[3].size = image_size;
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *path = g_build_filename (ddp, files[i].name, NULL);
      g_autofree char *md5 = g_compute_checksum_for_data (G_CHECKSUM_MD5, files[i].data, files[i].size);

      g_assert_true (g_file_set_contents (path, (const char *) files[i].data, files[i].size, NULL));
      g_string_append_printf (sums, "MD5 (%s) = %s\r\n", files[i].name, md5);
    }
  {
    g_autofree char *path = g_build_filename (ddp, "foreign.md5", NULL);

    g_assert_true (g_file_set_contents (path, sums->str, sums->len, NULL));
  }

  reader = lq_ddp_reader_open (folder, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lq_ddp_reader_get_image_name (reader), ==, "AUDIO.IMG");
  g_assert_true (lq_ddp_reader_verify (reader, NULL, issues, NULL, &error));
  for (guint i = 0; i < issues->len; i++)
    g_test_message ("%s", ((LqRedbookIssue *) issues->pdata[i])->message);
  g_assert_cmpuint (issues->len, ==, 0);
  disc = lq_ddp_reader_get_disc (reader);
  g_assert_cmpuint (disc->n_tracks, ==, 2);
  g_assert_cmpuint (disc->tracks[0].index0, ==, 0);
  g_assert_cmpuint (disc->tracks[0].start, ==, 150);
  g_assert_cmpuint (disc->tracks[1].index0, ==, 450);
  g_assert_cmpuint (disc->tracks[1].start, ==, 450);
  g_assert_cmpuint (disc->length, ==, sectors);
  g_assert_cmpstr (disc->tracks[0].isrc, ==, "GBAYE6800011");
  g_assert_cmpstr (disc->tracks[1].isrc, ==, "GBAYE6800012");
  g_assert_null (disc->cdtext);
  g_assert_null (disc->upc);
  g_assert_cmpstr (disc->title, ==, "FOREIGN-0001");

  /* Samples at the start of track 2 (frame 450 * 588), as written above. */
  g_assert_cmpint (lq_ddp_reader_read_image (reader, 450 * SECTOR, samples, 2, &error), ==, 2);
  for (guint k = 0; k < 4; k++)
    g_assert_cmpint (samples[k], ==, (gint16) (((450 * SECTOR * 2 + k) % 2000) - 1000));

  /* Track 2 is 350 frames = 4.67 s; make it 3 s with the lead-out at 150 + 300 + 225 and the
   * image cut to match, and the Red Book check speaks. */
  {
    g_autofree char *path = g_build_filename (ddp, "sd", NULL);
    g_autoptr(GByteArray) shorter = g_byte_array_new ();

    g_clear_pointer (&reader, lq_ddp_reader_free);
    add_pq (shorter, "00", 0, 0, "", "");
    add_pq (shorter, "01", 1, 150, "", "");
    add_pq (shorter, "02", 1, 450, "", "");
    add_pq (shorter, "AA", 1, 675, "", "");
    g_assert_true (g_file_set_contents (path, (const char *) shorter->data, shorter->len, NULL));
    reader = lq_ddp_reader_open (folder, &error);
    g_assert_no_error (error);
    g_ptr_array_set_size (issues, 0);
    g_assert_true (lq_ddp_reader_verify (reader, NULL, issues, NULL, &error));
    {
      gboolean length = FALSE, leadout = FALSE, checksum = FALSE;

      for (guint i = 0; i < issues->len; i++)
        {
          LqRedbookIssue *issue = issues->pdata[i];

          g_test_message ("%s", issue->message);
          length |= issue->rule == LQ_RULE_TRACK_LENGTH && strstr (issue->message, "Track 2 is 3.0 s") != NULL;
          leadout |= issue->rule == LQ_RULE_STRUCTURE && strstr (issue->message, "lead-out") != NULL;
          checksum |= issue->rule == LQ_RULE_CHECKSUM && strstr (issue->message, "sd") != NULL;
        }
      g_assert_true (length && leadout && checksum);
    }
  }
}

/* ---- failures: nothing is left behind ---- */

static void
assert_nothing_left (Fixture *f, const char *expected_listing)
{
  g_autofree char *listing = lq_test_list_folder (f->dir, " ");

  g_assert_cmpstr (listing, ==, expected_listing);
}

static void
test_broken_rule (Fixture *f, gconstpointer data)
{
  g_autoptr(LqProject) project = make_golden (f);
  g_autoptr(GFile) tiny = write_source (f, "tiny.wav", 1.0, 4);
  g_autofree char *ddp = path_in (f, "DDP");
  g_autoptr(GFile) folder = g_file_new_for_path (ddp);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) issues = lq_redbook_issues_new ();
  LqDdpOptions options;

  add_track (project, tiny, 2.0, "Tiny", NULL);
  lq_ddp_options_init (&options);
  options.issues = issues;
  g_assert_false (lq_ddp_export (project, folder, &options, NULL, NULL, NULL, &error));
  g_assert_error (error, LQ_DELIVERY_ERROR, LQ_DELIVERY_ERROR_RED_BOOK);
  g_assert_nonnull (strstr (error->message, "Track 4 is 1.0 s long"));
  g_assert_cmpuint (lq_redbook_issues_count (issues, LQ_CHECK_ERROR), ==, 1);
  assert_nothing_left (f, "a.wav b.wav c.wav tiny.wav");
}

static void
test_unwritable (Fixture *f, gconstpointer data)
{
  g_autoptr(LqProject) project = make_golden (f);
  g_autofree char *file = path_in (f, "plain-file");
  g_autofree char *ddp = g_build_filename (file, "DDP", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (ddp);
  g_autoptr(GError) error = NULL;

  /* A folder inside a plain file cannot be made. */
  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  g_assert_false (lq_ddp_export (project, folder, NULL, NULL, NULL, NULL, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "plain-file"));
  g_clear_error (&error);
  assert_nothing_left (f, "a.wav b.wav c.wav plain-file");

  /* A read-only folder (root may write anyway: then this part says nothing). */
  if (geteuid () != 0)
    {
      g_autofree char *ro = path_in (f, "read-only");
      g_autofree char *inside = g_build_filename (ro, "DDP", NULL);
      g_autoptr(GFile) target = g_file_new_for_path (inside);
      g_autofree char *listing = NULL;

      g_assert_cmpint (g_mkdir (ro, 0555), ==, 0);
      g_assert_false (lq_ddp_export (project, target, NULL, NULL, NULL, NULL, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
      g_assert_nonnull (strstr (error->message, "read-only"));
      listing = lq_test_list_folder (ro, " ");
      g_assert_cmpstr (listing, ==, "");
      g_chmod (ro, 0755);
    }
}

/* A full disk, simulated with RLIMIT_FSIZE: writes past 1 MB fail with EFBIG (SIGXFSZ ignored)
 * while IMAGE.DAT needs 3.35 MB. */
static void
test_disk_full (Fixture *f, gconstpointer data)
{
  g_autoptr(LqProject) project = make_golden (f);
  g_autofree char *ddp = path_in (f, "DDP");
  g_autoptr(GFile) folder = g_file_new_for_path (ddp);
  g_autoptr(GError) error = NULL;
  struct rlimit saved, small;
  gboolean ok;

  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  small = saved;
  small.rlim_cur = 1 << 20;
  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &small), ==, 0);
  ok = lq_ddp_export (project, folder, NULL, NULL, NULL, NULL, &error);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  signal (SIGXFSZ, SIG_DFL);

  g_assert_false (ok);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "IMAGE.DAT"));
  assert_nothing_left (f, "a.wav b.wav c.wav");
}

static void
cancel_cb (double fraction, gpointer data)
{
  if (fraction > 0.3)
    g_cancellable_cancel (data);
}

static void
test_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr(LqProject) project = make_golden (f);
  g_autofree char *ddp = path_in (f, "DDP");
  g_autoptr(GFile) folder = g_file_new_for_path (ddp);
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  g_assert_false (lq_ddp_export (project, folder, NULL, cancellable, cancel_cb, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_nothing_left (f, "a.wav b.wav c.wav");
}

/* An existing folder with files is not touched unless replacing is allowed. */
static void
test_existing (Fixture *f, gconstpointer data)
{
  g_autoptr(LqProject) project = make_golden (f);
  g_autofree char *ddp = path_in (f, "DDP");
  g_autofree char *old = g_build_filename (ddp, "old.txt", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (ddp);
  g_autoptr(GError) error = NULL;
  g_autofree char *listing = NULL;
  LqDdpOptions options;

  g_assert_cmpint (g_mkdir (ddp, 0755), ==, 0);
  g_assert_true (g_file_set_contents (old, "keep me", -1, NULL));
  g_assert_false (lq_ddp_export (project, folder, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_true (g_file_test (old, G_FILE_TEST_EXISTS));
  assert_nothing_left (f, "DDP a.wav b.wav c.wav");

  lq_ddp_options_init (&options);
  options.overwrite = TRUE;
  options.pq_sheet = FALSE;
  g_assert_true (lq_ddp_export (project, folder, &options, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  listing = lq_test_list_folder (ddp, " ");
  g_assert_cmpstr (listing, ==, "CDTEXT.BIN CHECKSUM.MD5 DDPID DDPMS IMAGE.DAT PQDESCR");
  assert_nothing_left (f, "DDP a.wav b.wav c.wav");
}

/* A 48 kHz album: resampled to 44.1 kHz (a warning), the same track starts in frames. */
static void
test_resampled (Fixture *f, gconstpointer data)
{
  g_autoptr(LqProject) project = make_golden (f);
  g_autofree char *ddp = path_in (f, "DDP");
  g_autoptr(GFile) folder = g_file_new_for_path (ddp);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) issues = lq_redbook_issues_new ();
  g_autoptr(LqDdpReader) reader = NULL;
  g_autoptr(LqCdDisc) expected = NULL;
  LqDdpOptions options;
  const LqCdDisc *disc;

  g_object_set (project, "rate", 48000, "cd-mode", FALSE, NULL);
  for (guint i = 0; i < 3; i++)
    {
      LqTrack *track = lq_project_get_track (project, i);
      guint64 pause;

      g_object_get (track, "pause", &pause, NULL);
      g_object_set (track, "pause", pause * 48000 / RATE, NULL);
    }
  lq_track_set_indexes (lq_project_get_track (project, 0), (const guint64[]) { 2 * 48000 }, 1);
  g_object_set (lq_project_get_track (project, 0), "pause", (guint64) 2 * 48000, NULL);
  lq_ddp_options_init (&options);
  options.issues = issues;
  options.pq_sheet = FALSE;
  g_assert_true (lq_ddp_export (project, folder, &options, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (issues->len, ==, 1);
  g_assert_cmpint (((LqRedbookIssue *) issues->pdata[0])->rule, ==, LQ_RULE_FORMAT);

  /* At 48 kHz without CD mode, track 2 starts 2 + 5 + 1.5 s in = 408000 samples = 637.5
   * frames, rounded to the nearest: 638; track 3 at 408000 + 216000 = 624000 = 975 frames;
   * the album is 624000 + 288000 samples = 912000 = 837900 at 44.1 kHz = 1425 frames. */
  reader = lq_ddp_reader_open (folder, &error);
  g_assert_no_error (error);
  g_ptr_array_set_size (issues, 0);
  g_assert_true (lq_ddp_reader_verify (reader, NULL, issues, NULL, &error));
  for (guint i = 0; i < issues->len; i++)
    g_test_message ("%s", ((LqRedbookIssue *) issues->pdata[i])->message);
  g_assert_cmpuint (issues->len, ==, 0);
  disc = lq_ddp_reader_get_disc (reader);
  g_assert_cmpuint (disc->tracks[0].start, ==, 150);
  g_assert_cmpuint (disc->tracks[0].indexes[0], ==, 300);
  g_assert_cmpuint (disc->tracks[1].start, ==, 638);
  g_assert_cmpuint (disc->tracks[2].start, ==, 975);
  g_assert_cmpuint (disc->length, ==, 1425);
  expected = lq_cd_disc_new_from_project (project, NULL);
  g_assert_cmpuint (expected->length, ==, disc->length);
  assert_nothing_left (f, "DDP a.wav b.wav c.wav");
}

typedef struct
{
  gboolean done;
  gboolean ok;
  GError *error;
} AsyncResult;

static void
async_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  AsyncResult *r = data;

  r->ok = lq_ddp_export_finish (result, &r->error);
  r->done = TRUE;
}

/* The same export from a worker thread: the main loop runs meanwhile. */
static void
test_async (Fixture *f, gconstpointer data)
{
  g_autoptr(LqProject) project = make_golden (f);
  g_autofree char *ddp = path_in (f, "DDP");
  g_autoptr(GFile) folder = g_file_new_for_path (ddp);
  AsyncResult r = { 0 };
  g_autoptr(GBytes) pq = NULL;

  lq_ddp_export_async (project, folder, NULL, NULL, async_done_cb, &r);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
  pq = read_bytes (ddp, "PQDESCR");
  g_assert_cmpuint (g_bytes_get_size (pq), ==, 8 * 64);
}

/* The command line: exit 0 only when complete and valid. */
static void
test_cli (Fixture *f, gconstpointer data)
{
  const char *cli = g_getenv ("LACQUER_CLI");
  g_autoptr(LqProject) project = NULL;
  g_autofree char *project_path = path_in (f, "album.lacquer");
  g_autofree char *ddp = path_in (f, "DDP");
  g_autofree char *ddp2 = path_in (f, "DDP2");
  g_autofree char *out = NULL;
  g_autoptr(GFile) project_file = g_file_new_for_path (project_path);
  g_autoptr(GFile) folder2 = g_file_new_for_path (ddp2);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) image1 = NULL;
  g_autoptr(GBytes) image2 = NULL;
  int status;

  if (cli == NULL)
    {
      g_test_skip ("LACQUER_CLI is not set");
      return;
    }
  project = make_golden (f);
  g_assert_true (lq_project_save (project, project_file, NULL, &error));

  {
    const char *argv[] = { cli, "export", "ddp", project_path, "-o", ddp, "--quiet", NULL };

    run (argv, NULL, &status, NULL);
    g_assert_cmpint (status, ==, 0);
  }
  {
    const char *argv[] = { cli, "verify", "ddp", ddp, "--against", project_path, NULL };

    run (argv, NULL, &status, &out);
    g_assert_cmpint (status, ==, 0);
    g_assert_nonnull (strstr (out, "USABC2600002"));
    g_assert_nonnull (strstr (out, "identical"));
    g_clear_pointer (&out, g_free);
  }
  /* Deterministic: the library's export of the same project is the same image. */
  g_assert_true (lq_ddp_export (project, folder2, NULL, NULL, NULL, NULL, &error));
  image1 = read_bytes (ddp, "IMAGE.DAT");
  image2 = read_bytes (ddp2, "IMAGE.DAT");
  g_assert_true (g_bytes_equal (image1, image2));

  /* A changed project no longer nulls: exit 1. */
  g_object_set (lq_project_get_track (project, 1), "gain", -0.5, NULL);
  g_assert_true (lq_project_save (project, project_file, NULL, &error));
  {
    const char *argv[] = { cli, "verify", "ddp", ddp, "--against", project_path, "--quiet", NULL };

    run (argv, NULL, &status, NULL);
    g_assert_cmpint (status, ==, 1);
  }
  /* Exporting over an existing fileset: refused, exit 1. */
  {
    const char *argv[] = { cli, "export", "ddp", project_path, "-o", ddp, "--quiet", NULL };

    run (argv, NULL, &status, NULL);
    g_assert_cmpint (status, ==, 1);
  }
  /* A usage error: exit 2. */
  {
    const char *argv[] = { cli, "export", "ddp", project_path, NULL };

    run (argv, NULL, &status, NULL);
    g_assert_cmpint (status, ==, 2);
  }
}

int
main (int    argc,
      char **argv)
{
  gst_init (&argc, &argv);
  lq_elements_init ();
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/lq/ddp/golden", test_golden);
  ADD ("/lq/ddp/round-trip", test_round_trip);
  ADD ("/lq/ddp/corruption", test_corruption);
  ADD ("/lq/ddp/foreign", test_foreign);
  ADD ("/lq/ddp/broken-rule", test_broken_rule);
  ADD ("/lq/ddp/unwritable", test_unwritable);
  ADD ("/lq/ddp/disk-full", test_disk_full);
  ADD ("/lq/ddp/cancel", test_cancel);
  ADD ("/lq/ddp/existing", test_existing);
  ADD ("/lq/ddp/resampled", test_resampled);
  ADD ("/lq/ddp/async", test_async);
  ADD ("/lq/ddp/cli", test_cli);
  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CUE sheet and cdrdao TOC read by tools that are not ours: `cdrdao show-toc` (track count,
 * starts, pre-gaps, index 02, ends, ISRCs, catalog), `cdrdao show-data` (the BIN's samples,
 * read through SWAP), `cueprint` and `cuebreakpoints` (track count, ISRCs, titles, index 00/01
 * times), `shnlen` (no file off a sector boundary, after `shnsplit` cuts the image at the
 * CUE's points). Expected times are worked out here from the album's numbers; the audio is
 * compared with the DDP export's image of the same project. */
#include "config.h"

#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>
#include <gst/gst.h>

#include "../lq-test-util.h"
#include "lq-cue.h"
#include "lq-ddp.h"
#include "lq-elements.h"
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
  f->dir = g_dir_make_tmp ("lq-cue-XXXXXX", NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  lq_test_remove_tree (f->dir);
  g_free (f->dir);
}

static GFile *
write_source (Fixture *f, const char *name, double seconds, guint seed)
{
  guint64 frames = (guint64) (seconds * RATE + 0.5);
  g_autofree float *audio = g_new (float, frames * 2);
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
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
 * The album of test-ddp.c (its numbers worked out there from the timeline's rules):
 *   track 1: index 00 at 0, index 01 at 150 frames, index 02 at 300, 5 s
 *   track 2: index 00 at 525 (a 1.5 s pause), index 01 at 638, 4.5 s
 *   track 3: index 01 at 976, no pause, 6 s; lead-out at 1426
 */
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

/* Runs a tool in @cwd; returns its exit status, stdout (and stderr) in @out/@err. */
static int
run (const char *const *argv, const char *cwd, char **out, char **err)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_true (g_spawn_sync (cwd, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, out, err, &status, &error));
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static gboolean
have (const char *tool)
{
  g_autofree char *path = g_find_program_in_path (tool);

  return path != NULL;
}

static char *
export (Fixture *f, LqProject *project, LqCueAudio audio)
{
  g_autofree char *path = g_build_filename (f->dir, "CUE", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) issues = lq_redbook_issues_new ();
  LqCueOptions options;

  lq_cue_options_init (&options);
  options.audio = audio;
  options.name = "golden";
  options.issues = issues;
  g_assert_true (lq_cue_export (project, folder, &options, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (issues->len, ==, 0);
  return g_steal_pointer (&path);
}

/* A line of `cdrdao show-toc` output after @key, with its "(  N)" block count. */
static gint64
toc_blocks (char **lines, guint *at, guint track, const char *key)
{
  g_autofree char *header = g_strdup_printf ("TRACK %2u ", track);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], header))
      for (guint k = i + 1; lines[k] != NULL && !g_str_has_prefix (lines[k], "TRACK"); k++)
        {
          const char *l = g_strstrip (g_strdup (lines[k]));
          const char *paren;
          gint64 v;

          if (g_str_has_prefix (l, key) && (paren = strchr (l, '(')) != NULL)
            {
              v = g_ascii_strtoll (paren + 1, NULL, 10);
              *at = k;
              g_free ((char *) l);
              return v;
            }
          g_free ((char *) l);
        }
  return -1;
}

static gboolean
toc_has (char **lines, guint track, const char *text)
{
  g_autofree char *header = g_strdup_printf ("TRACK %2u ", track);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], header))
      for (guint k = i + 1; lines[k] != NULL && !g_str_has_prefix (lines[k], "TRACK"); k++)
        if (strstr (lines[k], text) != NULL)
          return TRUE;
  return FALSE;
}

static void
test_toc (Fixture *f, gconstpointer data)
{
  g_autoptr(LqProject) project = make_golden (f);
  g_autofree char *dir = export (f, project, LQ_CUE_AUDIO_WAV);
  g_autofree char *listing = lq_test_list_folder (dir, " ");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *toc = NULL;
  g_autofree char *toc_path = g_build_filename (dir, "golden.toc", NULL);
  g_auto(GStrv) lines = NULL;
  const char *argv[] = { "cdrdao", "show-toc", "golden.toc", NULL };
  guint at;

  g_assert_cmpstr (listing, ==, "golden.cue golden.toc golden.wav");
  g_assert_true (g_file_get_contents (toc_path, &toc, NULL, NULL));
  /* ISO 8859-1 CD-Text as an octal escape (é = 0351). */
  g_assert_nonnull (strstr (toc, "TITLE \"Caf\\351 Second\""));
  g_assert_nonnull (strstr (toc, "LANGUAGE_MAP"));

  if (!have ("cdrdao"))
    {
      g_test_skip ("cdrdao is not installed");
      return;
    }
  g_assert_cmpint (run (argv, dir, &out, &err), ==, 0);
  g_test_message ("%s%s", err, out);
  g_assert_null (strstr (err, "ERROR"));
  g_assert_null (strstr (err, "WARNING"));
  g_assert_nonnull (strstr (out, "CATALOG NUMBER: 0036000291452"));
  lines = g_strsplit (out, "\n", -1);

  /* Three tracks and no fourth. */
  g_assert_true (toc_has (lines, 3, "AUDIO"));
  g_assert_false (toc_has (lines, 4, "AUDIO"));
  /* Track 1: 2 s pre-gap, index 01 at 150, index 02 at 300, ends where track 2's pause starts. */
  g_assert_cmpint (toc_blocks (lines, &at, 1, "PREGAP"), ==, 150);
  g_assert_cmpint (toc_blocks (lines, &at, 1, "START"), ==, 150);
  g_assert_cmpint (toc_blocks (lines, &at, 1, "INDEX  2"), ==, 300);
  g_assert_cmpint (toc_blocks (lines, &at, 1, "END"), ==, 525);
  g_assert_true (toc_has (lines, 1, "ISRC US ABC 26 00001"));
  g_assert_true (toc_has (lines, 1, "COPY NOT PERMITTED"));
  g_assert_true (toc_has (lines, 1, "NO PRE-EMPHASIS"));
  /* Track 2: 113 frames of pause, index 01 at 638. */
  g_assert_cmpint (toc_blocks (lines, &at, 2, "PREGAP"), ==, 638 - 525);
  g_assert_cmpint (toc_blocks (lines, &at, 2, "START"), ==, 638);
  g_assert_cmpint (toc_blocks (lines, &at, 2, "END"), ==, 976);
  g_assert_true (toc_has (lines, 2, "ISRC US ABC 26 00002"));
  /* Track 3: no pause, no ISRC, ends at the lead-out. */
  g_assert_cmpint (toc_blocks (lines, &at, 3, "PREGAP"), ==, -1);
  g_assert_cmpint (toc_blocks (lines, &at, 3, "START"), ==, 976);
  g_assert_cmpint (toc_blocks (lines, &at, 3, "END"), ==, 1426);
  g_assert_false (toc_has (lines, 3, "ISRC"));
}

static void
test_cue (Fixture *f, gconstpointer data)
{
  g_autoptr(LqProject) project = make_golden (f);
  g_autofree char *dir = export (f, project, LQ_CUE_AUDIO_WAV);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *cue = NULL;
  g_autofree char *cue_path = g_build_filename (dir, "golden.cue", NULL);

  g_assert_true (g_file_get_contents (cue_path, &cue, NULL, NULL));
  g_assert_nonnull (strstr (cue, "CATALOG 0036000291452\n"));
  g_assert_nonnull (strstr (cue, "FILE \"golden.wav\" WAVE\n"));
  if (!have ("cueprint") || !have ("cuebreakpoints"))
    {
      g_test_skip ("cuetools is not installed");
      return;
    }
  {
    const char *argv[] = { "cueprint", "-d", "%N|%T|%P\n", "-t", "%n|%i|%t\n", "golden.cue", NULL };

    g_assert_cmpint (run (argv, dir, &out, &err), ==, 0);
    g_assert_cmpstr (out, ==,
                     "3|Golden Album|The Testers\n"
                     "1|USABC2600001|First\n"
                     "2|USABC2600002|Café Second\n"
                     "3||Third\n");
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    /* Index 01 of tracks 2 and 3 as m:ss.ff: 638 frames = 0:08.38, 976 = 0:13.01. */
    const char *argv[] = { "cuebreakpoints", "golden.cue", NULL };

    g_assert_cmpint (run (argv, dir, &out, &err), ==, 0);
    g_assert_cmpstr (out, ==, "0:08.38\n0:13.01\n");
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    /* With the gaps before the tracks: track 2's index 00 at 525 = 0:07.00; track 3 has none. */
    const char *argv[] = { "cuebreakpoints", "--prepend-gaps", "golden.cue", NULL };

    g_assert_cmpint (run (argv, dir, &out, &err), ==, 0);
    g_assert_cmpstr (out, ==, "0:07.00\n0:13.01\n");
  }
}

/* shnsplit cuts the image at the CUE's points; shnlen flags no piece off a sector boundary. */
static void
test_shnlen (Fixture *f, gconstpointer data)
{
  g_autoptr(LqProject) project = make_golden (f);
  g_autofree char *dir = export (f, project, LQ_CUE_AUDIO_WAV);
  g_autofree char *split = g_build_filename (f->dir, "split", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *listing = NULL;
  g_auto(GStrv) lines = NULL;
  guint n_files = 0;

  if (!have ("shnsplit") || !have ("shnlen"))
    {
      g_test_skip ("shntool is not installed");
      return;
    }
  g_assert_cmpint (g_mkdir (split, 0755), ==, 0);
  {
    const char *argv[] = { "shnsplit", "-q", "-f", "golden.cue", "-d", split, "-o", "wav", "golden.wav", NULL };

    g_assert_cmpint (run (argv, dir, &out, &err), ==, 0);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  listing = lq_test_list_folder (split, " ");
  g_test_message ("%s", listing);
  {
    g_auto(GStrv) files = g_strsplit (listing, " ", -1);
    g_autoptr(GPtrArray) argv = g_ptr_array_new ();

    g_ptr_array_add (argv, (gpointer) "shnlen");
    g_ptr_array_add (argv, (gpointer) "-c");
    for (guint i = 0; files[i] != NULL; i++)
      g_ptr_array_add (argv, files[i]);
    g_ptr_array_add (argv, (gpointer) "../CUE/golden.wav");
    g_ptr_array_add (argv, NULL);
    g_assert_cmpint (run ((const char *const *) argv->pdata, split, &out, &err), ==, 0);
  }
  g_test_message ("%s", out);
  /* shnlen's table: the "cdr" column has a "c" in its first slot for audio that is not CD
   * quality, a "b" in the second for a file not cut on a sector boundary, an "s" in the third
   * for one too short to burn (< 4 s); "-" when fine. */
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], ".wav") != NULL && strstr (lines[i], " B ") != NULL)
      {
        g_auto(GStrv) cols = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
        guint c = 0;
        const char *cdr = NULL;

        for (guint k = 0; cols[k] != NULL; k++)
          if (*cols[k] != '\0' && c++ == 3)
            cdr = cols[k];
        g_assert_nonnull (cdr);
        g_assert_cmpuint (strlen (cdr), ==, 3);
        g_assert_cmpint (cdr[0], ==, '-'); /* CD quality */
        g_assert_cmpint (cdr[1], ==, '-'); /* on a sector boundary */
        if (strstr (lines[i], "track00") == NULL)
          g_assert_cmpint (cdr[2], ==, '-'); /* long enough; the 2 s pre-gap piece is not */
        n_files++;
      }
  /* The pre-gap piece, three tracks, and the whole image. */
  g_assert_cmpuint (n_files, ==, 5);
  g_assert_nonnull (strstr (out, "0:19.01")); /* the image: 1426 frames */
}

/* The CUE/TOC audio is the DDP image of the same project, and the BIN variant's samples read
 * through cdrdao (raw files are big-endian to it; the TOC says SWAP) are the same too. */
static void
test_audio (Fixture *f, gconstpointer data)
{
  g_autoptr(LqProject) project = make_golden (f);
  g_autofree char *dir = export (f, project, LQ_CUE_AUDIO_WAV);
  g_autofree char *ddp = g_build_filename (f->dir, "DDP", NULL);
  g_autoptr(GFile) ddp_folder = g_file_new_for_path (ddp);
  g_autofree char *wav_path = g_build_filename (dir, "golden.wav", NULL);
  g_autofree char *image_path = g_build_filename (ddp, "IMAGE.DAT", NULL);
  g_autofree char *wav = NULL;
  g_autofree char *image = NULL;
  g_autofree char *bin = NULL;
  g_autofree char *bin_path = NULL;
  g_autofree char *cue = NULL;
  g_autofree char *cue_path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  gsize wav_size, image_size, bin_size;
  g_autoptr(GError) error = NULL;
  LqDdpOptions options;

  lq_ddp_options_init (&options);
  options.pq_sheet = FALSE;
  g_assert_true (lq_ddp_export (project, ddp_folder, &options, NULL, NULL, NULL, &error));
  g_assert_true (g_file_get_contents (wav_path, &wav, &wav_size, NULL));
  g_assert_true (g_file_get_contents (image_path, &image, &image_size, NULL));
  g_assert_cmpuint (wav_size, ==, 44 + image_size);
  g_assert_cmpmem (wav, 4, "RIFF", 4);
  g_assert_cmpmem (wav + 36, 4, "data", 4);
  g_assert_cmpmem (wav + 44, wav_size - 44, image, image_size);

  /* BIN: a raw little-endian copy, BINARY in the CUE, SWAP in the TOC. */
  lq_test_remove_tree (dir);
  g_free (dir);
  dir = export (f, project, LQ_CUE_AUDIO_BIN);
  bin_path = g_build_filename (dir, "golden.bin", NULL);
  cue_path = g_build_filename (dir, "golden.cue", NULL);
  g_assert_true (g_file_get_contents (bin_path, &bin, &bin_size, NULL));
  g_assert_cmpmem (bin, bin_size, image, image_size);
  g_assert_true (g_file_get_contents (cue_path, &cue, NULL, NULL));
  g_assert_nonnull (strstr (cue, "FILE \"golden.bin\" BINARY\n"));
  if (!have ("cdrdao"))
    {
      g_test_skip ("cdrdao is not installed");
      return;
    }
  {
    const char *argv[] = { "cdrdao", "show-data", "golden.toc", NULL };
    g_auto(GStrv) lines = NULL;
    guint64 n = 0;

    g_assert_cmpint (run (argv, dir, &out, &err), ==, 0);
    /* Split by hand: g_strsplit's strstr is quadratic under AddressSanitizer's interceptor,
     * and cdrdao prints a line per sample. */
    {
      GPtrArray *split = g_ptr_array_new ();
      for (char *line = out, *nl; line != NULL; line = nl ? nl + 1 : NULL)
        {
          nl = strchr (line, '\n');
          if (nl != NULL)
            *nl = '\0';
          g_ptr_array_add (split, g_strdup (line));
        }
      g_ptr_array_add (split, NULL);
      lines = (GStrv) g_ptr_array_free (split, FALSE);
    }
    for (guint i = 0; lines[i] != NULL; i++)
      {
        guint64 frame;
        gint64 l, r;
        char *end;
        const guint8 *p;

        if (strchr (lines[i], ':') == NULL)
          continue;
        frame = g_ascii_strtoull (lines[i], &end, 10);
        l = g_ascii_strtoll (end + 1, &end, 10);
        r = g_ascii_strtoll (end, NULL, 10);
        p = (const guint8 *) image + frame * 4;
        g_assert_cmpint (l, ==, (gint16) (guint16) (p[0] | p[1] << 8));
        g_assert_cmpint (r, ==, (gint16) (guint16) (p[2] | p[3] << 8));
        n++;
      }
    g_assert_cmpuint (n, ==, image_size / 4);
  }
}

static void
cancel_cb (double fraction, gpointer data)
{
  if (fraction > 0.3)
    g_cancellable_cancel (data);
}

static void
test_failures (Fixture *f, gconstpointer data)
{
  g_autoptr(LqProject) project = make_golden (f);
  g_autoptr(GFile) tiny = write_source (f, "tiny.wav", 3.5, 4);
  g_autofree char *path = g_build_filename (f->dir, "CUE", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *listing = NULL;
  LqTrack *track;

  /* Cancelled half way: nothing. */
  g_assert_false (lq_cue_export (project, folder, NULL, cancellable, cancel_cb, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  listing = lq_test_list_folder (f->dir, " ");
  g_assert_cmpstr (listing, ==, "a.wav b.wav c.wav tiny.wav");
  g_clear_pointer (&listing, g_free);

  /* A 3.5 s last track: nothing, and the message says why. */
  track = add_track (project, tiny, 0.0, "Tiny", NULL);
  g_assert_nonnull (track);
  g_assert_false (lq_cue_export (project, folder, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, LQ_DELIVERY_ERROR, LQ_DELIVERY_ERROR_RED_BOOK);
  g_assert_nonnull (strstr (error->message, "Track 4 is 3.5 s long"));
  listing = lq_test_list_folder (f->dir, " ");
  g_assert_cmpstr (listing, ==, "a.wav b.wav c.wav tiny.wav");
}

/* File names: the default is the album title in ASCII; a name with non-ASCII letters is
 * written to the TOC as its bytes (cdrdao opens it); a double quote cannot be used. */
static void
test_names (Fixture *f, gconstpointer data)
{
  g_autoptr(LqProject) project = make_golden (f);
  g_autofree char *path = g_build_filename (f->dir, "CUE", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *listing = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  LqCueOptions options;

  lq_project_set_title (project, "Déjà / Vu");
  lq_cue_options_init (&options);
  g_assert_true (lq_cue_export (project, folder, &options, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  listing = lq_test_list_folder (path, " ");
  g_assert_cmpstr (listing, ==, "Deja _ Vu.cue Deja _ Vu.toc Deja _ Vu.wav");
  lq_test_remove_tree (path);

  options.name = "Café";
  g_assert_true (lq_cue_export (project, folder, &options, NULL, NULL, NULL, &error));
  if (have ("cdrdao"))
    {
      const char *argv[] = { "cdrdao", "show-toc", "Café.toc", NULL };

      g_assert_cmpint (run (argv, path, &out, &err), ==, 0);
      g_assert_null (strstr (err, "ERROR"));
      g_assert_nonnull (strstr (out, "TRACK  3"));
    }
  lq_test_remove_tree (path);

  options.name = "a \"quoted\" name";
  g_assert_false (lq_cue_export (project, folder, &options, NULL, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME);
}

int
main (int    argc,
      char **argv)
{
  gst_init (&argc, &argv);
  lq_elements_init ();
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/lq/cue/toc", test_toc);
  ADD ("/lq/cue/cue", test_cue);
  ADD ("/lq/cue/shnlen", test_shnlen);
  ADD ("/lq/cue/audio", test_audio);
  ADD ("/lq/cue/names", test_names);
  ADD ("/lq/cue/failures", test_failures);
  return g_test_run ();
}

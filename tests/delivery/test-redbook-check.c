/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Red Book rule checks over projects built here from short WAV files: each rule broken on
 * purpose, with the expected figures computed from the project's own numbers and the rules in
 * shared/reference/cd-and-ddp.md (4 s tracks, 2 s pre-gap, 99 tracks, 79:57:74 / 80:00:00,
 * 588-sample frames, ISRC/EAN syntax, ISO 8859-1 CD-Text of at most 256 packs). */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <gst/gst.h>

#include "../lq-test-util.h"
#include "lq-redbook-check.h"
#include "lq-synth.h"
#include "lq-wav.h"

#define RATE 44100

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("lq-redbook-check-XXXXXX", NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  lq_test_remove_tree (f->dir);
  g_free (f->dir);
}

/* A 16-bit stereo WAV of @frames frames of a quiet sine at @rate. */
static GFile *
write_wav (Fixture    *f,
           const char *name,
           guint       rate,
           guint64     frames)
{
  g_autofree float *audio = g_new (float, frames * 2);
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  GFile *file = g_file_new_for_path (path);

  lq_synth_sine (audio, frames, 2, rate, 440.0, 0.1, 0.0);
  g_assert_true (lq_wav_write_file (file, audio, frames, 2, rate, LQ_WAV_PCM16, NULL, NULL));
  return file;
}

static LqTrack *
add_track (LqProject *project,
           GFile     *file,
           guint64    pause)
{
  g_autoptr(LqTrack) track = lq_track_new (file);

  g_assert_true (lq_track_probe (track, NULL, NULL));
  g_object_set (track, "pause", pause, NULL);
  lq_project_append_track (project, track);
  return track;
}

/* A valid CD project: @n tracks of @seconds each, 2 s pauses. */
static LqProject *
make_project (Fixture *f,
              guint    n,
              double   seconds)
{
  LqProject *project = lq_project_new ();
  g_autoptr(GFile) file = write_wav (f, "tone.wav", RATE, (guint64) (seconds * RATE));

  g_object_set (project, "rate", RATE, "cd-mode", TRUE, NULL);
  for (guint i = 0; i < n; i++)
    add_track (project, file, 2 * RATE);
  return project;
}

/* The one issue of @rule (asserting there is exactly one), or NULL. */
static LqRedbookIssue *
find_issue (GPtrArray     *issues,
            LqRedbookRule  rule)
{
  LqRedbookIssue *found = NULL;

  for (guint i = 0; i < issues->len; i++)
    {
      LqRedbookIssue *issue = issues->pdata[i];

      if (issue->rule == rule)
        {
          g_assert_null (found);
          found = issue;
        }
    }
  return found;
}

static void
dump (GPtrArray *issues)
{
  for (guint i = 0; i < issues->len; i++)
    g_test_message ("%s", ((LqRedbookIssue *) issues->pdata[i])->message);
}

static void
test_valid (Fixture *f, gconstpointer data)
{
  g_autoptr(LqProject) project = make_project (f, 3, 5.0);
  g_autoptr(GPtrArray) issues = lq_redbook_check_project (project, NULL);
  g_autoptr(LqCdDisc) disc = lq_cd_disc_new_from_project (project, NULL);
  g_autoptr(GError) error = NULL;

  dump (issues);
  g_assert_cmpuint (issues->len, ==, 0);
  g_assert_true (lq_redbook_issues_to_error (issues, &error));

  /* 5 s tracks with 2 s pauses, starts on frames: track 1 at 2 s (150 frames), each track
   * 5 s = 375 frames, then a 2 s pause. */
  g_assert_cmpuint (disc->n_tracks, ==, 3);
  g_assert_cmpuint (disc->tracks[0].index0, ==, 0);
  g_assert_cmpuint (disc->tracks[0].start, ==, 150);
  g_assert_cmpuint (disc->tracks[1].index0, ==, 150 + 375);
  g_assert_cmpuint (disc->tracks[1].start, ==, 150 + 375 + 150);
  g_assert_cmpuint (disc->tracks[2].start, ==, 150 + 2 * (375 + 150));
  g_assert_cmpuint (disc->length, ==, 150 + 3 * 375 + 2 * 150);
}

static void
test_track_length (Fixture *f, gconstpointer data)
{
  g_autoptr(LqProject) project = lq_project_new ();
  g_autoptr(GFile) tone = write_wav (f, "tone.wav", RATE, 5 * RATE);
  g_autoptr(GFile) shorter = write_wav (f, "short.wav", RATE, (guint64) (2.1 * RATE));
  g_autoptr(GPtrArray) issues = NULL;
  g_autoptr(GError) error = NULL;
  LqTrack *third;
  LqRedbookIssue *issue;

  /* Track 2 is short and track 3 follows without a pause: index 01 to index 01 is 2.1 s
   * (92610 samples = 157.5 frames, the next start rounded up to 158 frames = 2.107 s). */
  g_object_set (project, "rate", RATE, "cd-mode", TRUE, NULL);
  add_track (project, tone, 0);
  add_track (project, shorter, 2 * RATE);
  third = add_track (project, tone, 0);
  issues = lq_redbook_check_project (project, NULL);
  dump (issues);
  issue = find_issue (issues, LQ_RULE_TRACK_LENGTH);
  g_assert_nonnull (issue);
  g_assert_cmpint (issue->severity, ==, LQ_CHECK_ERROR);
  g_assert_cmpuint (issue->track, ==, 2);
  g_assert_nonnull (strstr (issue->message, "Track 2 is 2.1 s long"));
  g_assert_nonnull (strstr (issue->message, "at least 4 s"));
  g_assert_false (lq_redbook_issues_to_error (issues, &error));
  g_assert_error (error, LQ_DELIVERY_ERROR, LQ_DELIVERY_ERROR_RED_BOOK);
  g_assert_nonnull (strstr (error->message, "Track 2 is 2.1 s long"));

  /* A pause after it counts (index 01 to the next index 01): with 2 s before track 3 it is
   * 92610 + 88200 samples = 307.5 frames, rounded up to 308 = 4.1 s, and fine. */
  g_object_set (third, "pause", (guint64) 2 * RATE, NULL);
  g_clear_pointer (&issues, g_ptr_array_unref);
  issues = lq_redbook_check_project (project, NULL);
  dump (issues);
  g_assert_null (find_issue (issues, LQ_RULE_TRACK_LENGTH));
}

static void
test_pregap_and_frames (Fixture *f, gconstpointer data)
{
  g_autoptr(LqProject) project = make_project (f, 2, 5.0);
  g_autoptr(GPtrArray) issues = NULL;
  LqRedbookIssue *issue;

  /* Without CD mode, nothing snaps: a 1 s first pause and a 1000-sample second pause. */
  g_object_set (project, "cd-mode", FALSE, NULL);
  g_object_set (lq_project_get_track (project, 0), "pause", (guint64) RATE, NULL);
  g_object_set (lq_project_get_track (project, 1), "pause", (guint64) 1000, NULL);
  issues = lq_redbook_check_project (project, NULL);
  dump (issues);

  issue = find_issue (issues, LQ_RULE_PREGAP);
  g_assert_nonnull (issue);
  g_assert_cmpint (issue->severity, ==, LQ_CHECK_ERROR);
  g_assert_nonnull (strstr (issue->message, "Track 1 starts at 00:01:00"));
  g_assert_nonnull (strstr (issue->message, "2 s"));

  /* Track 1 at 44100 (75 frames exactly); track 2 at 44100 + 220500 + 1000 = 265600 =
   * 451 frames + 412 samples. */
  issue = find_issue (issues, LQ_RULE_FRAME_BOUNDARY);
  g_assert_nonnull (issue);
  g_assert_cmpuint (issue->track, ==, 2);
  g_assert_cmpint (issue->severity, ==, LQ_CHECK_ERROR);
  g_assert_nonnull (strstr (issue->message, "Track 2"));
  g_assert_nonnull (strstr (issue->message, "+ 412 samples"));
  g_assert_nonnull (strstr (issue->message, "588"));

  /* CD mode puts both right. */
  g_object_set (project, "cd-mode", TRUE, NULL);
  g_clear_pointer (&issues, g_ptr_array_unref);
  issues = lq_redbook_check_project (project, NULL);
  dump (issues);
  g_assert_cmpuint (issues->len, ==, 0);
}

static void
test_track_count (Fixture *f, gconstpointer data)
{
  g_autoptr(LqProject) project = lq_project_new ();
  g_autoptr(GPtrArray) issues = lq_redbook_check_project (project, NULL);
  g_autoptr(GFile) file = write_wav (f, "tone.wav", RATE, 5 * RATE);
  LqRedbookIssue *issue;

  g_object_set (project, "cd-mode", TRUE, NULL);
  issue = find_issue (issues, LQ_RULE_TRACK_COUNT);
  g_assert_nonnull (issue);
  g_assert_nonnull (strstr (issue->message, "no tracks"));

  /* 100 tracks. They are not probed (no length): only the count matters here. */
  for (guint i = 0; i < 100; i++)
    {
      g_autoptr(LqTrack) track = lq_track_new (file);

      lq_project_append_track (project, track);
    }
  g_clear_pointer (&issues, g_ptr_array_unref);
  issues = lq_redbook_check_project (project, NULL);
  issue = find_issue (issues, LQ_RULE_TRACK_COUNT);
  g_assert_nonnull (issue);
  g_assert_cmpint (issue->severity, ==, LQ_CHECK_ERROR);
  g_assert_nonnull (strstr (issue->message, "100 tracks"));
  g_assert_nonnull (strstr (issue->message, "99"));

  /* Hiding one leaves 99: fine. */
  g_object_set (lq_project_get_track (project, 50), "hidden", TRUE, NULL);
  g_clear_pointer (&issues, g_ptr_array_unref);
  issues = lq_redbook_check_project (project, NULL);
  g_assert_null (find_issue (issues, LQ_RULE_TRACK_COUNT));
}

static void
test_disc_length (Fixture *f, gconstpointer data)
{
  g_autoptr(LqProject) project = make_project (f, 2, 5.0);
  g_autoptr(GPtrArray) issues = NULL;
  LqRedbookLimits limits;
  LqRedbookIssue *issue;
  guint64 base, pause;

  /* Make the disc exactly 80:00:00 + 1 frame with track 2's pause: without it the disc is
   * 150 + 375 + 150 + 375 frames; the pause adds (pause - 2 s) frames. */
  base = 150 + 375 + 150 + 375;
  pause = (LQ_CD_MSF (80, 0, 0) + 1 - base + 150) * LQ_CD_FRAME_SAMPLES;
  g_object_set (lq_project_get_track (project, 1), "pause", pause, NULL);
  issues = lq_redbook_check_project (project, NULL);
  dump (issues);
  issue = find_issue (issues, LQ_RULE_DISC_LENGTH);
  g_assert_nonnull (issue);
  g_assert_cmpint (issue->severity, ==, LQ_CHECK_ERROR);
  g_assert_nonnull (strstr (issue->message, "80:00:01"));
  g_assert_nonnull (strstr (issue->message, "80:00:00"));

  /* 80:00:00 exactly: past 79:57:74, a warning only. */
  pause -= LQ_CD_FRAME_SAMPLES;
  g_object_set (lq_project_get_track (project, 1), "pause", pause, NULL);
  g_clear_pointer (&issues, g_ptr_array_unref);
  issues = lq_redbook_check_project (project, NULL);
  issue = find_issue (issues, LQ_RULE_DISC_LENGTH);
  g_assert_nonnull (issue);
  g_assert_cmpint (issue->severity, ==, LQ_CHECK_WARNING);
  g_assert_nonnull (strstr (issue->message, "79:57:74"));

  /* 79:57:74 exactly: nothing. */
  pause -= (LQ_CD_MSF (80, 0, 0) - LQ_CD_MSF (79, 57, 74)) * LQ_CD_FRAME_SAMPLES;
  g_object_set (lq_project_get_track (project, 1), "pause", pause, NULL);
  g_clear_pointer (&issues, g_ptr_array_unref);
  issues = lq_redbook_check_project (project, NULL);
  g_assert_null (find_issue (issues, LQ_RULE_DISC_LENGTH));

  /* Configurable: a 74-minute plant. */
  lq_redbook_limits_init (&limits);
  limits.warn_length = LQ_CD_MSF (73, 0, 0);
  limits.max_length = LQ_CD_MSF (74, 0, 0);
  g_clear_pointer (&issues, g_ptr_array_unref);
  issues = lq_redbook_check_project (project, &limits);
  issue = find_issue (issues, LQ_RULE_DISC_LENGTH);
  g_assert_nonnull (issue);
  g_assert_cmpint (issue->severity, ==, LQ_CHECK_ERROR);
  g_assert_nonnull (strstr (issue->message, "74:00:00"));
}

static void
test_codes (Fixture *f, gconstpointer data)
{
  g_autoptr(LqProject) project = make_project (f, 3, 5.0);
  g_autoptr(GPtrArray) issues = NULL;
  guint n_isrc = 0;

  g_object_set (lq_project_get_track (project, 0), "isrc", "USABC2600001", NULL);
  g_object_set (lq_project_get_track (project, 1), "isrc", "US-ABC-26-00002", NULL);
  g_object_set (lq_project_get_track (project, 2), "isrc", "USABC2600001", NULL);
  g_object_set (project, "upc", "4006381333932", NULL); /* check digit should be 1 */
  issues = lq_redbook_check_project (project, NULL);
  dump (issues);
  for (guint i = 0; i < issues->len; i++)
    {
      LqRedbookIssue *issue = issues->pdata[i];

      if (issue->rule != LQ_RULE_ISRC)
        continue;
      n_isrc++;
      if (issue->track == 2)
        {
          g_assert_cmpint (issue->severity, ==, LQ_CHECK_ERROR);
          g_assert_nonnull (strstr (issue->message, "Track 2"));
          g_assert_nonnull (strstr (issue->message, "US-ABC-26-00002"));
        }
      else
        {
          g_assert_cmpuint (issue->track, ==, 3);
          g_assert_cmpint (issue->severity, ==, LQ_CHECK_WARNING);
          g_assert_nonnull (strstr (issue->message, "Tracks 1 and 3"));
        }
    }
  g_assert_cmpuint (n_isrc, ==, 2);
  g_assert_nonnull (find_issue (issues, LQ_RULE_CATALOG));
  g_assert_nonnull (strstr (find_issue (issues, LQ_RULE_CATALOG)->message, "check digit"));

  /* A 12-digit UPC-A (published example 036000291452) is fine. */
  g_object_set (project, "upc", "036000291452", NULL);
  g_object_set (lq_project_get_track (project, 1), "isrc", "USABC2600002", NULL);
  g_object_set (lq_project_get_track (project, 2), "isrc", "USABC2600003", NULL);
  g_clear_pointer (&issues, g_ptr_array_unref);
  issues = lq_redbook_check_project (project, NULL);
  dump (issues);
  g_assert_cmpuint (issues->len, ==, 0);
}

static void
test_cdtext (Fixture *f, gconstpointer data)
{
  g_autoptr(LqProject) project = make_project (f, 2, 5.0);
  g_autoptr(GPtrArray) issues = NULL;
  g_autoptr(LqCdDisc) disc = NULL;
  LqRedbookIssue *issue;
  g_autofree char *longer = g_strnfill (2000, 'x');

  /* Latin-1 is fine and kept as it is. */
  lq_project_set_title (project, "Déjà vu");
  lq_track_set_performer (lq_project_get_track (project, 1), "Mötley");
  issues = lq_redbook_check_project (project, NULL);
  dump (issues);
  g_assert_cmpuint (issues->len, ==, 0);
  disc = lq_cd_disc_new_from_project (project, NULL);
  g_assert_cmpstr (lq_cdtext_get (disc->cdtext, 0, LQ_CDTEXT_TITLE), ==, "Déjà vu");
  g_assert_cmpstr (lq_cdtext_get (disc->cdtext, 2, LQ_CDTEXT_PERFORMER), ==, "Mötley");

  /* Greek in track 2's title is refused, naming the track and the character. */
  lq_track_set_title (lq_project_get_track (project, 1), "Ωmega");
  g_clear_pointer (&issues, g_ptr_array_unref);
  issues = lq_redbook_check_project (project, NULL);
  dump (issues);
  issue = find_issue (issues, LQ_RULE_CDTEXT_CHARSET);
  g_assert_nonnull (issue);
  g_assert_cmpint (issue->severity, ==, LQ_CHECK_ERROR);
  g_assert_cmpuint (issue->track, ==, 2);
  g_assert_nonnull (strstr (issue->message, "Track 2"));
  g_assert_nonnull (strstr (issue->message, "Ω"));

  /* Too much text: 2 x 2000 characters need ceil(4002 / 12) + 3 > 256 packs. */
  lq_track_set_title (lq_project_get_track (project, 1), longer);
  lq_track_set_title (lq_project_get_track (project, 0), longer);
  g_clear_pointer (&issues, g_ptr_array_unref);
  issues = lq_redbook_check_project (project, NULL);
  dump (issues);
  issue = find_issue (issues, LQ_RULE_CDTEXT_SIZE);
  g_assert_nonnull (issue);
  g_assert_cmpint (issue->severity, ==, LQ_CHECK_ERROR);
  g_assert_nonnull (strstr (issue->message, "256"));
}

static void
test_indexes_and_rate (Fixture *f, gconstpointer data)
{
  g_autoptr(LqProject) project = make_project (f, 2, 5.0);
  g_autoptr(GPtrArray) issues = NULL;
  g_autoptr(LqCdDisc) disc = NULL;
  const guint64 good[] = { RATE, 2 * RATE + 100 };
  const guint64 bad[] = { RATE, RATE + 10, 6 * RATE };
  LqRedbookIssue *issue;

  /* Index 02 at 1 s, index 03 at 2 s + 100 samples: frames 75 and 150 after the start. */
  lq_track_set_indexes (lq_project_get_track (project, 0), good, G_N_ELEMENTS (good));
  issues = lq_redbook_check_project (project, NULL);
  g_assert_cmpuint (issues->len, ==, 0);
  disc = lq_cd_disc_new_from_project (project, NULL);
  g_assert_cmpuint (disc->tracks[0].n_indexes, ==, 2);
  g_assert_cmpuint (disc->tracks[0].indexes[0], ==, 150 + 75);
  g_assert_cmpuint (disc->tracks[0].indexes[1], ==, 150 + 150);

  /* Two in the same frame, and one past the 5 s track. */
  lq_track_set_indexes (lq_project_get_track (project, 0), bad, G_N_ELEMENTS (bad));
  g_clear_pointer (&issues, g_ptr_array_unref);
  issues = lq_redbook_check_project (project, NULL);
  dump (issues);
  g_assert_cmpuint (issues->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      issue = issues->pdata[i];
      g_assert_cmpint (issue->rule, ==, LQ_RULE_INDEX);
      g_assert_cmpuint (issue->track, ==, 1);
    }
  g_assert_nonnull (strstr (((LqRedbookIssue *) issues->pdata[0])->message, "index 03"));
  g_assert_nonnull (strstr (((LqRedbookIssue *) issues->pdata[1])->message, "index 04"));

  /* A 48 kHz album is resampled: a warning, and nothing else. */
  lq_track_set_indexes (lq_project_get_track (project, 0), NULL, 0);
  g_object_set (project, "rate", 48000, NULL);
  g_clear_pointer (&issues, g_ptr_array_unref);
  issues = lq_redbook_check_project (project, NULL);
  dump (issues);
  issue = find_issue (issues, LQ_RULE_FORMAT);
  g_assert_nonnull (issue);
  g_assert_cmpint (issue->severity, ==, LQ_CHECK_WARNING);
  g_assert_nonnull (strstr (issue->message, "48000"));
  g_assert_cmpuint (lq_redbook_issues_count (issues, LQ_CHECK_ERROR), ==, 0);
}

static void
test_missing (Fixture *f, gconstpointer data)
{
  g_autoptr(LqProject) project = make_project (f, 1, 5.0);
  g_autofree char *path = g_build_filename (f->dir, "gone.wav", NULL);
  g_autoptr(GFile) gone = g_file_new_for_path (path);
  g_autoptr(LqTrack) track = lq_track_new (gone);
  g_autoptr(GPtrArray) issues = NULL;
  LqRedbookIssue *issue;

  g_assert_false (lq_track_probe (track, NULL, NULL));
  lq_project_append_track (project, track);
  issues = lq_redbook_check_project (project, NULL);
  dump (issues);
  issue = find_issue (issues, LQ_RULE_SOURCE);
  g_assert_nonnull (issue);
  g_assert_cmpuint (issue->track, ==, 2);
  g_assert_nonnull (strstr (issue->message, "gone.wav"));
}

int
main (int    argc,
      char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/lq/redbook-check/valid", test_valid);
  ADD ("/lq/redbook-check/track-length", test_track_length);
  ADD ("/lq/redbook-check/pregap-and-frames", test_pregap_and_frames);
  ADD ("/lq/redbook-check/track-count", test_track_count);
  ADD ("/lq/redbook-check/disc-length", test_disc_length);
  ADD ("/lq/redbook-check/codes", test_codes);
  ADD ("/lq/redbook-check/cdtext", test_cdtext);
  ADD ("/lq/redbook-check/indexes-and-rate", test_indexes_and_rate);
  ADD ("/lq/redbook-check/missing", test_missing);
  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LqDecoder (formats, both read paths, resampling, non-finite samples, errors, cancelling),
 * the offline analyzer against FFmpeg's ebur128 filter (demo album and audio found on the
 * machine) and libebur128, album measures, the parallel and asynchronous album API, and
 * `lacquer-cli analyze` (outputs and exit codes). */
#include "config.h"

#include <math.h>
#include <string.h>
#include <sys/wait.h>

#include <ebur128.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>

#include "../lq-test-util.h"
#include "lq-analyzer.h"
#include "lq-decoder.h"
#include "lq-demo.h"
#include "lq-elements.h"
#include "lq-engine-error.h"
#include "lq-synth.h"
#include "lq-wav.h"

static char *tmp_dir;
static GPtrArray *demo_files; /* (element-type GFile) the demo album, written once */

static GFile *
tmp_file (const char *name)
{
  return g_file_new_build_filename (tmp_dir, name, NULL);
}

/* Reads a whole file with LqDecoder in reads of `chunk` frames. */
static float *
decode_all_full (GFile *file, guint target_rate, LqDecoderFlags flags, gsize chunk, guint *rate,
                 guint *channels, gsize *frames, guint64 *nonfinite, GError **error)
{
  g_autoptr(LqDecoder) dec = lq_decoder_new_full (file, target_rate, flags, error);
  GArray *out;
  g_autofree float *buf = NULL;
  gssize n;

  if (dec == NULL)
    return NULL;
  *rate = lq_decoder_get_rate (dec);
  *channels = lq_decoder_get_channels (dec);
  out = g_array_new (FALSE, FALSE, sizeof (float));
  buf = g_new (float, chunk * *channels);
  while ((n = lq_decoder_read (dec, buf, chunk, error)) > 0)
    {
      g_assert_cmpuint (n, <=, chunk);
      g_array_append_vals (out, buf, n * *channels);
    }
  if (n < 0)
    {
      g_array_unref (out);
      return NULL;
    }
  g_assert_cmpuint (lq_decoder_get_position (dec), ==, out->len / *channels);
  *frames = out->len / *channels;
  if (nonfinite)
    *nonfinite = lq_decoder_get_n_nonfinite (dec);
  return (float *) g_array_free (out, FALSE);
}

static float *
decode_all (GFile *file, guint target_rate, gsize chunk, guint *rate, guint *channels,
            gsize *frames, guint64 *nonfinite, GError **error)
{
  return decode_all_full (file, target_rate, LQ_DECODER_FLAGS_NONE, chunk, rate, channels,
                          frames, nonfinite, error);
}

/* ------------------------------------------------------------------------------------------
 * Decoder
 * ------------------------------------------------------------------------------------------ */

/* PCM16, PCM24 and float WAV through the direct path and through GStreamer give the same
 * samples, within the format's quantisation of the original. */
static void
test_decoder_wav_formats (void)
{
  static const struct { LqWavFormat format; double step; } formats[] = {
    { LQ_WAV_PCM16, 1.0 / 32768 }, { LQ_WAV_PCM24, 1.0 / 8388608 }, { LQ_WAV_FLOAT32, 0.0 },
  };
  guint rate = 48000;
  gsize frames = rate * 2 + 123;
  g_autofree float *x = g_new (float, frames * 2);

  lq_synth_demo_render (2, rate, x, frames);
  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    {
      g_autofree char *name = g_strdup_printf ("format-%u.wav", f);
      g_autoptr(GFile) file = tmp_file (name);
      g_autoptr(GError) error = NULL;
      g_autofree float *direct = NULL;
      g_autofree float *gst = NULL;
      guint r1, c1, r2, c2;
      gsize n1, n2;
      double worst = 0.0;

      g_assert_true (lq_wav_write_file (file, x, frames, 2, rate, formats[f].format, NULL, &error));
      direct = decode_all (file, 0, 65536, &r1, &c1, &n1, NULL, &error);
      g_assert_no_error (error);
      gst = decode_all_full (file, 0, LQ_DECODER_FLAGS_GSTREAMER_ONLY, 1000, &r2, &c2, &n2, NULL, &error);
      g_assert_no_error (error);

      g_assert_cmpuint (r1, ==, rate);
      g_assert_cmpuint (r2, ==, rate);
      g_assert_cmpuint (c1, ==, 2);
      g_assert_cmpuint (c2, ==, 2);
      g_assert_cmpuint (n1, ==, frames);
      g_assert_cmpuint (n2, ==, frames);
      g_assert_cmpmem (direct, n1 * 2 * sizeof (float), gst, n2 * 2 * sizeof (float));
      for (gsize i = 0; i < frames * 2; i++)
        worst = MAX (worst, fabs (direct[i] - x[i]));
      g_test_message ("format %u: largest error %.3g (step %.3g)", f, worst, formats[f].step);
      g_assert_cmpfloat (worst, <=, formats[f].step);
    }
}

/* A FLAC file (encoded here with GStreamer's flacenc) decodes to the samples of the 24-bit
 * WAV it was made from: lossless. */
static void
test_decoder_flac (void)
{
  g_autoptr(GstElement) enc = gst_element_factory_make ("flacenc", NULL);
  g_autoptr(GFile) wav = tmp_file ("flac-source.wav");
  g_autoptr(GFile) flac = tmp_file ("flac.flac");
  g_autoptr(GError) error = NULL;
  g_autofree char *launch = NULL;
  g_autofree float *a = NULL;
  g_autofree float *b = NULL;
  GstElement *pipeline;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) msg = NULL;
  guint rate = 44100, r1, c1, r2, c2;
  gsize frames = rate * 3, n1, n2;
  g_autofree float *x = g_new (float, frames * 2);

  if (enc == NULL)
    {
      g_test_skip ("flacenc is not installed");
      return;
    }
  lq_synth_demo_render (0, rate, x, frames);
  g_assert_true (lq_wav_write_file (wav, x, frames, 2, rate, LQ_WAV_PCM24, NULL, &error));
  launch = g_strdup_printf ("filesrc location=\"%s\" ! wavparse ! audioconvert ! flacenc ! filesink location=\"%s\"",
                            g_file_peek_path (wav), g_file_peek_path (flac));
  pipeline = gst_parse_launch (launch, &error);
  g_assert_no_error (error);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bus = gst_element_get_bus (pipeline);
  msg = gst_bus_timed_pop_filtered (bus, 30 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (msg);
  g_assert_cmpint (GST_MESSAGE_TYPE (msg), ==, GST_MESSAGE_EOS);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);

  a = decode_all (wav, 0, 65536, &r1, &c1, &n1, NULL, &error);
  g_assert_no_error (error);
  b = decode_all (flac, 0, 65536, &r2, &c2, &n2, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r2, ==, rate);
  g_assert_cmpuint (c2, ==, 2);
  g_assert_cmpuint (n2, ==, frames);
  g_assert_cmpmem (a, n1 * 2 * sizeof (float), b, n2 * 2 * sizeof (float));
}

/* Asking for another rate resamples: the length scales and a tone keeps its loudness. */
static void
test_decoder_resample (void)
{
  g_autoptr(GFile) file = tmp_file ("resample.wav");
  g_autoptr(GError) error = NULL;
  g_autofree float *y = NULL;
  guint rate = 44100, r, c;
  gsize frames = rate * 2, n;
  g_autofree float *x = g_new (float, frames * 2);
  double ms = 0.0;

  lq_synth_sine (x, frames, 2, rate, 1000.0, 0.5, 0.0);
  g_assert_true (lq_wav_write_file (file, x, frames, 2, rate, LQ_WAV_FLOAT32, NULL, &error));
  y = decode_all (file, 48000, 4096, &r, &c, &n, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r, ==, 48000);
  g_assert_cmpuint (c, ==, 2);
  g_assert_cmpint (labs ((long) n - 96000), <=, 64);
  for (gsize i = n / 4; i < 3 * n / 4; i++)
    ms += (double) y[2 * i] * y[2 * i];
  ms /= n / 2;
  /* A sine of amplitude 0.5 has a mean square of 0.125. */
  g_assert_cmpfloat_with_epsilon (ms, 0.125, 0.125 * 0.01);
}

/* NaN and infinities in a float WAV come out as 0 and are counted, on both paths. */
static void
test_decoder_nonfinite (void)
{
  g_autoptr(GFile) file = tmp_file ("nan.wav");
  g_autoptr(GError) error = NULL;
  gsize frames = 10000;
  g_autofree float *x = g_new (float, frames * 2);

  lq_synth_sine (x, frames, 2, 48000, 1000.0, 0.5, 0.0);
  x[10] = NAN;
  x[2001] = INFINITY;
  x[19999] = -INFINITY;
  /* Written here: lq_wav_write_file() refuses non-finite samples. */
  lq_test_write_float_wav (g_file_peek_path (file), x, frames, 2, 48000);
  for (guint path = 0; path < 2; path++)
    {
      g_autofree float *y = NULL;
      guint r, c;
      gsize n;
      guint64 bad = 0;

      y = decode_all_full (file, 0, path ? LQ_DECODER_FLAGS_GSTREAMER_ONLY : LQ_DECODER_FLAGS_NONE,
                           777, &r, &c, &n, &bad, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (n, ==, frames);
      g_assert_cmpuint (bad, ==, 3);
      g_assert_cmpfloat (y[10], ==, 0.0f);
      g_assert_cmpfloat (y[2001], ==, 0.0f);
      g_assert_cmpfloat (y[19999], ==, 0.0f);
      g_assert_cmpfloat (y[11], ==, x[11]);
    }
}

static void
write_bytes (GFile *file, const void *data, gsize size)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_replace_contents (file, data, size, NULL, FALSE, G_FILE_CREATE_NONE,
                                          NULL, NULL, &error));
  g_assert_no_error (error);
}

/* Missing, not audio, a folder, truncated: each with an error a user can act on. */
static void
test_decoder_errors (void)
{
  g_autoptr(GFile) missing = tmp_file ("does-not-exist.wav");
  g_autoptr(GFile) text = tmp_file ("text.wav");
  g_autoptr(GFile) folder = g_file_new_for_path (tmp_dir);
  g_autoptr(GFile) full = tmp_file ("full.wav");
  g_autoptr(GFile) cut = tmp_file ("cut.wav");
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  gsize frames = 48000 * 2;
  g_autofree float *x = g_new0 (float, frames * 2);
  LqDecoder *dec;

  dec = lq_decoder_new (missing, 0, &error);
  g_assert_null (dec);
  g_assert_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_MISSING_FILE);
  g_assert_nonnull (strstr (error->message, "does-not-exist.wav"));
  g_assert_nonnull (strstr (error->message, "does not exist"));
  g_clear_error (&error);

  write_bytes (text, "These are words, not sound.\n", 28);
  dec = lq_decoder_new (text, 0, &error);
  g_assert_null (dec);
  g_assert_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "is not audio"));
  g_clear_error (&error);

  dec = lq_decoder_new (folder, 0, &error);
  g_assert_null (dec);
  g_assert_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "folder"));
  g_clear_error (&error);

  /* Half of a 2 s WAV: the header promises 2 s. */
  lq_synth_sine (x, frames, 2, 48000, 440, 0.5, 0);
  g_assert_true (lq_wav_write_file (full, x, frames, 2, 48000, LQ_WAV_PCM24, NULL, &error));
  g_assert_true (g_file_load_contents (full, NULL, &contents, &length, NULL, &error));
  write_bytes (cut, contents, length / 2);
  dec = lq_decoder_new (cut, 0, &error);
  g_assert_null (dec);
  g_assert_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_UNSUPPORTED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "truncated"));
  g_assert_nonnull (strstr (error->message, "2.000 s"));
  g_clear_error (&error);

  /* A cut inside the header: GStreamer's own words. */
  write_bytes (cut, contents, 30);
  dec = lq_decoder_new (cut, 0, &error);
  g_assert_null (dec);
  g_assert_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_UNSUPPORTED);
  g_clear_error (&error);
}

/* lq_decoder_cancel() makes the next read fail with G_IO_ERROR_CANCELLED, on both paths. */
static void
test_decoder_cancel (void)
{
  g_autoptr(GFile) file = tmp_file ("cancel.wav");
  g_autoptr(GError) error = NULL;
  gsize frames = 48000 * 3;
  g_autofree float *x = g_new0 (float, frames * 2);
  float buf[2 * 256];

  g_assert_true (lq_wav_write_file (file, x, frames, 2, 48000, LQ_WAV_PCM16, NULL, &error));
  for (guint path = 0; path < 2; path++)
    {
      g_autoptr(LqDecoder) dec = NULL;

      dec = lq_decoder_new_full (file, 0, path ? LQ_DECODER_FLAGS_GSTREAMER_ONLY : LQ_DECODER_FLAGS_NONE,
                                 &error);
      g_assert_no_error (error);
      g_assert_cmpuint (lq_decoder_get_n_frames (dec), ==, frames);
      g_assert_cmpint (lq_decoder_read (dec, buf, 256, &error), ==, 256);
      lq_decoder_cancel (dec);
      g_assert_cmpint (lq_decoder_read (dec, buf, 256, &error), ==, -1);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_clear_error (&error);
    }
}

/* ------------------------------------------------------------------------------------------
 * Against FFmpeg
 * ------------------------------------------------------------------------------------------ */

typedef struct
{
  double integrated;   /* LUFS, -inf when FFmpeg's gate left nothing (it prints -70) */
  double true_peak[8]; /* dBTP per channel */
  guint channels;
} FfmpegMeasure;

/* Runs ffmpeg's ebur128=peak=true and reads its per-frame metadata (3 decimals). */
static gboolean
ffmpeg_measure (GFile *file, FfmpegMeasure *out)
{
  g_autofree char *meta = g_build_filename (tmp_dir, "ffmpeg-meta.txt", NULL);
  g_autofree char *filter = g_strdup_printf ("ebur128=peak=true:metadata=1,ametadata=print:file=%s", meta);
  const char *argv[] = { "ffmpeg", "-nostdin", "-nostats", "-hide_banner", "-i", g_file_peek_path (file),
                         "-af", filter, "-f", "null", "-", NULL };
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL
                     | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL)
      || !g_spawn_check_wait_status (status, NULL)
      || !g_file_get_contents (meta, &contents, NULL, NULL))
    return FALSE;
  memset (out, 0, sizeof *out);
  out->integrated = NAN;
  for (guint c = 0; c < 8; c++)
    out->true_peak[c] = -INFINITY;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint c;

      if (g_str_has_prefix (lines[i], "lavfi.r128.I="))
        out->integrated = g_ascii_strtod (lines[i] + 13, NULL);
      else if (sscanf (lines[i], "lavfi.r128.true_peaks_ch%u=", &c) == 1 && c < 8)
        {
          double v = g_ascii_strtod (strchr (lines[i], '=') + 1, NULL);
          out->true_peak[c] = MAX (out->true_peak[c], v > 0 ? 20 * log10 (v) : -INFINITY);
          out->channels = MAX (out->channels, c + 1);
        }
    }
  g_unlink (meta);
  if (out->integrated <= -70.0)
    out->integrated = -INFINITY;
  return !isnan (out->integrated) && out->channels > 0;
}

/* Integrated loudness within 0.1 LU and true peak within 0.2 dB (per channel) of FFmpeg. */
static void
compare_with_ffmpeg (GFile *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LqAnalysis) a = lq_analyze_file (file, NULL, NULL, NULL, &error);
  g_autofree char *name = g_file_get_basename (file);
  FfmpegMeasure f;

  g_assert_no_error (error);
  g_assert_true (ffmpeg_measure (file, &f));
  g_assert_cmpuint (f.channels, ==, a->channels);
  g_test_message ("%s: integrated %.3f (ffmpeg %.3f)", name, a->integrated_lufs, f.integrated);
  if (isfinite (f.integrated) || isfinite (a->integrated_lufs))
    g_assert_cmpfloat (fabs (a->integrated_lufs - f.integrated), <=, 0.1);
  for (guint c = 0; c < a->channels; c++)
    {
      g_test_message ("%s: ch %u true peak %.3f (ffmpeg %.3f)", name, c, a->channel_true_peak_dbtp[c],
                      f.true_peak[c]);
      if (isfinite (f.true_peak[c]) || isfinite (a->channel_true_peak_dbtp[c]))
        g_assert_cmpfloat (fabs (a->channel_true_peak_dbtp[c] - f.true_peak[c]), <=, 0.2);
    }
}

static void
test_ffmpeg_demo_album (void)
{
  if (!lq_test_have_program ("ffmpeg"))
    {
      g_test_skip ("ffmpeg is not installed");
      return;
    }
  for (guint i = 0; i < demo_files->len; i++)
    compare_with_ffmpeg (g_ptr_array_index (demo_files, i));
}

/* Audio found on the machine (at most 8 files of 0.5 s or more that both decode). */
static void
test_ffmpeg_found_audio (void)
{
  const char *argv[] = { "find", "/usr/share", "/usr/lib", "/opt", "/root", "/home", "-xdev",
                         "-maxdepth", "10", "-type", "f", "(", "-name", "*.wav", "-o", "-name", "*.flac",
                         "-o", "-name", "*.ogg", "-o", "-name", "*.oga", "-o", "-name", "*.mp3", "-o",
                         "-name", "*.opus", "-o", "-name", "*.au", ")", "-size", "+8k", NULL };
  g_autofree char *out = NULL;
  g_auto(GStrv) paths = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint compared = 0;

  if (!lq_test_have_program ("ffmpeg"))
    {
      g_test_skip ("ffmpeg is not installed");
      return;
    }
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &out, NULL, NULL, NULL);
  paths = g_strsplit (out ? out : "", "\n", -1);
  for (guint i = 0; paths[i] != NULL && compared < 8; i++)
    {
      g_autoptr(GFile) file = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(LqAnalysis) a = NULL;
      g_autofree char *base = NULL;

      if (paths[i][0] == '\0')
        continue;
      /* The same test file often sits in several installed copies: measure each name once. */
      base = g_path_get_basename (paths[i]);
      if (g_hash_table_contains (seen, base))
        continue;
      g_hash_table_add (seen, g_strdup (base));
      file = g_file_new_for_path (paths[i]);
      a = lq_analyze_file (file, NULL, NULL, NULL, &error);
      if (a == NULL)
        {
          g_test_message ("%s: skipped (%s)", paths[i], error->message);
          continue;
        }
      if (a->duration_s < 0.5 || a->channels > 8)
        continue;
      g_test_message ("%s", paths[i]);
      compare_with_ffmpeg (file);
      compared++;
    }
  g_test_message ("compared %u files found on this machine", compared);
  if (compared == 0)
    g_test_skip ("no other audio files on this machine");
}

/* ------------------------------------------------------------------------------------------
 * Albums
 * ------------------------------------------------------------------------------------------ */

/* The album in parallel equals the tracks one by one; the album's integrated loudness and
 * LRA equal libebur128's *_multiple functions over states fed here with the decoded audio
 * (LRA within 0.5 LU: libebur128 steps its short-term values by 1 s, we by 100 ms). */
static void
test_album (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LqAlbumAnalysis) album = NULL;
  g_autoptr(LqAlbumAnalysis) serial = NULL;
  ebur128_state *states[8] = { NULL };
  guint n = demo_files->len;
  double integrated, lra, tp = -INFINITY;

  album = lq_analyze_album ((GFile * const *) demo_files->pdata, n, 0, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  serial = lq_analyze_album ((GFile * const *) demo_files->pdata, n, 1, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (album->n_tracks, ==, n);
  g_assert_cmpuint (album->n_failed, ==, 0);

  for (guint i = 0; i < n; i++)
    {
      GFile *file = g_ptr_array_index (demo_files, i);
      g_autoptr(LqAnalysis) one = lq_analyze_file (file, NULL, NULL, NULL, &error);
      LqAnalysis *t = album->tracks[i];
      g_autofree float *x = NULL;
      guint rate, channels;
      gsize frames;

      g_assert_no_error (error);
      g_assert_nonnull (t);
      g_assert_null (album->errors[i]);
      g_assert_true (g_file_equal (t->file, file));
      g_assert_cmpfloat (t->integrated_lufs, ==, one->integrated_lufs);
      g_assert_cmpfloat (t->lra_lu, ==, one->lra_lu);
      g_assert_cmpfloat (t->true_peak_dbtp, ==, one->true_peak_dbtp);
      g_assert_cmpfloat (t->max_momentary_lufs, ==, one->max_momentary_lufs);
      g_assert_cmpfloat (serial->tracks[i]->max_short_term_lufs, ==, one->max_short_term_lufs);
      g_assert_cmpfloat_with_epsilon (t->duration_s, lq_synth_demo_track_info (i)->seconds, 1e-9);
      g_assert_cmpfloat (t->plr_lu, ==, t->true_peak_dbtp - t->integrated_lufs);
      tp = MAX (tp, t->true_peak_dbtp);

      x = decode_all (file, 0, 65536, &rate, &channels, &frames, NULL, &error);
      g_assert_no_error (error);
      states[i] = ebur128_init (channels, rate, EBUR128_MODE_I | EBUR128_MODE_LRA);
      ebur128_add_frames_float (states[i], x, frames);
    }
  ebur128_loudness_global_multiple (states, n, &integrated);
  ebur128_loudness_range_multiple (states, n, &lra);
  g_test_message ("album: integrated %.3f (libebur128 %.3f), LRA %.2f (libebur128 %.2f), TP %.2f",
                  album->integrated_lufs, integrated, album->lra_lu, lra, album->true_peak_dbtp);
  g_assert_cmpfloat_with_epsilon (album->integrated_lufs, integrated, 0.001);
  g_assert_cmpfloat (fabs (album->lra_lu - lra), <, 0.5);
  g_assert_cmpfloat (album->true_peak_dbtp, ==, tp);
  g_assert_cmpfloat (album->integrated_lufs, ==, serial->integrated_lufs);
  g_assert_cmpfloat (album->lra_lu, ==, serial->lra_lu);
  for (guint i = 0; i < n; i++)
    ebur128_destroy (&states[i]);
}

/* The album is the tracks played one after another: FFmpeg on the concatenated album agrees
 * within 0.1 LU. */
static void
test_album_concatenated (void)
{
  g_autoptr(GFile) joined = tmp_file ("joined.wav");
  g_autoptr(GError) error = NULL;
  g_autoptr(LqAlbumAnalysis) album = NULL;
  GArray *all = g_array_new (FALSE, FALSE, sizeof (float));
  FfmpegMeasure f;

  if (!lq_test_have_program ("ffmpeg"))
    {
      g_test_skip ("ffmpeg is not installed");
      g_array_unref (all);
      return;
    }
  for (guint i = 0; i < demo_files->len; i++)
    {
      g_autofree float *x = NULL;
      guint rate, channels;
      gsize frames;

      x = decode_all (g_ptr_array_index (demo_files, i), 0, 65536, &rate, &channels, &frames, NULL, &error);
      g_assert_no_error (error);
      g_array_append_vals (all, x, frames * channels);
    }
  g_assert_true (lq_wav_write_file (joined, (float *) all->data, all->len / 2, 2, LQ_DEMO_RATE,
                                    LQ_WAV_FLOAT32, NULL, &error));
  g_array_unref (all);
  album = lq_analyze_album ((GFile * const *) demo_files->pdata, demo_files->len, 0, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ffmpeg_measure (joined, &f));
  g_test_message ("album %.3f LUFS, ffmpeg on the joined tracks %.3f LUFS", album->integrated_lufs, f.integrated);
  g_assert_cmpfloat (fabs (album->integrated_lufs - f.integrated), <=, 0.1);
}

/* A bad file fails alone. */
static void
test_album_bad_file (void)
{
  g_autoptr(GFile) missing = tmp_file ("no-such-track.wav");
  g_autoptr(GError) error = NULL;
  g_autoptr(LqAlbumAnalysis) album = NULL;
  GFile *files[3] = { g_ptr_array_index (demo_files, 0), missing, g_ptr_array_index (demo_files, 1) };

  album = lq_analyze_album (files, 3, 2, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (album->n_failed, ==, 1);
  g_assert_nonnull (album->tracks[0]);
  g_assert_null (album->tracks[1]);
  g_assert_nonnull (album->tracks[2]);
  g_assert_error (album->errors[1], LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_MISSING_FILE);
  g_assert_cmpfloat_with_epsilon (album->duration_s,
                                  album->tracks[0]->duration_s + album->tracks[2]->duration_s, 1e-9);
}

typedef struct
{
  GMainLoop *loop;
  LqAlbumAnalysis *album;
  GError *error;
  double last_progress;
  guint n_progress;
  gboolean monotonic;
} AsyncState;

static void
progress_cb (double fraction, gpointer user_data)
{
  AsyncState *state = user_data;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  if (fraction < state->last_progress)
    state->monotonic = FALSE;
  state->last_progress = fraction;
  state->n_progress++;
}

static void
done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncState *state = user_data;

  state->album = lq_analyze_album_finish (result, &state->error);
  g_main_loop_quit (state->loop);
}

/* The async API reports progress in the caller's main context, ends at 1 and gives the same
 * result; cancelling gives G_IO_ERROR_CANCELLED. */
static void
test_album_async (void)
{
  AsyncState state = { g_main_loop_new (NULL, FALSE), NULL, NULL, 0.0, 0, TRUE };
  g_autoptr(GError) error = NULL;
  g_autoptr(LqAlbumAnalysis) sync = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  lq_analyze_album_async ((GFile * const *) demo_files->pdata, demo_files->len, 0, NULL,
                          progress_cb, &state, NULL, done_cb, &state);
  g_main_loop_run (state.loop);
  /* Progress calls queued before the result may still be pending. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_no_error (state.error);
  g_assert_nonnull (state.album);
  g_assert_true (state.monotonic);
  g_assert_cmpuint (state.n_progress, >=, 1);
  g_assert_cmpfloat (state.last_progress, ==, 1.0);
  sync = lq_analyze_album ((GFile * const *) demo_files->pdata, demo_files->len, 0, NULL, NULL, NULL, &error);
  g_assert_cmpfloat (state.album->integrated_lufs, ==, sync->integrated_lufs);
  g_clear_pointer (&state.album, lq_album_analysis_free);

  g_cancellable_cancel (cancellable);
  lq_analyze_album_async ((GFile * const *) demo_files->pdata, demo_files->len, 0, cancellable,
                          NULL, NULL, NULL, done_cb, &state);
  g_main_loop_run (state.loop);
  g_assert_null (state.album);
  g_assert_error (state.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&state.error);
  g_main_loop_unref (state.loop);
}

/* ------------------------------------------------------------------------------------------
 * lacquer-cli analyze
 * ------------------------------------------------------------------------------------------ */

static int
run_cli (const char * const *args, char **out, char **err)
{
  const char *cli = g_getenv ("LACQUER_CLI");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (char *) cli);
  g_ptr_array_add (argv, "analyze");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               out, err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static void
test_cli_text (void)
{
  const char *args[] = { g_file_peek_path (g_ptr_array_index (demo_files, 0)),
                         g_file_peek_path (g_ptr_array_index (demo_files, 1)), NULL };
  static const char *const keys[] = { "integrated_lufs", "lra_lu", "true_peak_dbtp", "sample_peak_dbfs",
                                      "max_momentary_lufs", "max_short_term_lufs", "duration_s",
                                      "sample_rate", "channels" };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LqAnalysis) a = lq_analyze_file (g_ptr_array_index (demo_files, 0), NULL, NULL, NULL, &error);
  g_autofree char *expected = g_strdup_printf ("integrated_lufs %10.2f", a->integrated_lufs);
  g_autofree char *squeezed = NULL;
  GRegex *spaces = g_regex_new (" +", 0, 0, NULL);

  g_assert_cmpint (run_cli (args, &out, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
    g_assert_nonnull (strstr (out, keys[k]));
  g_assert_nonnull (strstr (out, "album (2 tracks)"));
  squeezed = g_regex_replace_literal (spaces, out, -1, 0, " ", 0, NULL);
  g_free (expected);
  expected = g_strdup_printf ("integrated_lufs %.2f\n", a->integrated_lufs);
  g_assert_nonnull (strstr (squeezed, expected));
  g_assert_nonnull (strstr (out, "44100"));
  g_regex_unref (spaces);
}

static void
test_cli_json_and_bad_files (void)
{
  g_autoptr(GFile) text = tmp_file ("cli-not-audio.flac");
  g_autoptr(GFile) full = tmp_file ("cli-full.wav");
  g_autoptr(GFile) cut = tmp_file ("cli-cut.wav");
  g_autoptr(GFile) missing = tmp_file ("cli-missing.wav");
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(LqAnalysis) a = lq_analyze_file (g_ptr_array_index (demo_files, 2), NULL, NULL, NULL, &error);
  gsize length, frames = 48000;
  g_autofree float *x = g_new0 (float, frames * 2);
  JsonObject *root, *good, *album;
  JsonArray *files;
  const char *args[7];

  write_bytes (text, "not audio at all", 16);
  g_assert_true (lq_wav_write_file (full, x, frames, 2, 48000, LQ_WAV_PCM16, NULL, &error));
  g_assert_true (g_file_load_contents (full, NULL, &contents, &length, NULL, &error));
  write_bytes (cut, contents, length - 1000);
  args[0] = "--json";
  args[1] = g_file_peek_path (missing);
  args[2] = g_file_peek_path (g_ptr_array_index (demo_files, 2));
  args[3] = g_file_peek_path (text);
  args[4] = g_file_peek_path (cut);
  args[5] = g_file_peek_path (g_ptr_array_index (demo_files, 3));
  args[6] = NULL;

  g_assert_cmpint (run_cli (args, &out, &err), ==, 1);
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, "cli-missing.wav” does not exist"));
  g_assert_nonnull (strstr (err, "cli-not-audio.flac” is not audio"));
  g_assert_nonnull (strstr (err, "cli-cut.wav” is truncated"));

  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  files = json_object_get_array_member (root, "files");
  g_assert_cmpuint (json_array_get_length (files), ==, 5);
  g_assert_true (json_object_has_member (json_array_get_object_element (files, 0), "error"));
  g_assert_true (json_object_has_member (json_array_get_object_element (files, 3), "error"));
  good = json_array_get_object_element (files, 1);
  g_assert_cmpstr (json_object_get_string_member (good, "file"), ==,
                   g_file_peek_path (g_ptr_array_index (demo_files, 2)));
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (good, "integrated_lufs"), a->integrated_lufs, 0.0006);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (good, "lra_lu"), a->lra_lu, 0.0006);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (good, "true_peak_dbtp"), a->true_peak_dbtp, 0.0006);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (good, "sample_peak_dbfs"), a->sample_peak_dbfs, 0.0006);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (good, "max_momentary_lufs"), a->max_momentary_lufs, 0.0006);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (good, "max_short_term_lufs"), a->max_short_term_lufs, 0.0006);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (good, "duration_s"), 30.0, 0.0006);
  g_assert_cmpint (json_object_get_int_member (good, "sample_rate"), ==, 44100);
  g_assert_cmpint (json_object_get_int_member (good, "channels"), ==, 2);
  album = json_object_get_object_member (root, "album");
  g_assert_nonnull (album);
  g_assert_cmpint (json_object_get_int_member (album, "tracks"), ==, 2);
  g_assert_true (json_object_has_member (album, "integrated_lufs"));
  g_assert_true (json_object_has_member (album, "lra_lu"));
}

static void
test_cli_usage (void)
{
  const char *none[] = { NULL };
  const char *bogus[] = { "--no-such-option", "x.wav", NULL };
  const char *threads[] = { "--threads=-3", "x.wav", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli (none, &out, &err), ==, 2);
  g_assert_nonnull (strstr (err, "at least one file"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (bogus, &out, &err), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (threads, &out, &err), ==, 2);
}

int
main (int argc, char **argv)
{
  g_autoptr(GFile) album_dir = NULL;
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  lq_elements_init ();
  tmp_dir = g_dir_make_tmp ("lq-analyzer-XXXXXX", NULL);
  album_dir = g_file_new_build_filename (tmp_dir, "album", NULL);
  demo_files = lq_demo_write_album (album_dir, NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/lq/decoder/wav-formats", test_decoder_wav_formats);
  g_test_add_func ("/lq/decoder/flac", test_decoder_flac);
  g_test_add_func ("/lq/decoder/resample", test_decoder_resample);
  g_test_add_func ("/lq/decoder/non-finite", test_decoder_nonfinite);
  g_test_add_func ("/lq/decoder/errors", test_decoder_errors);
  g_test_add_func ("/lq/decoder/cancel", test_decoder_cancel);
  g_test_add_func ("/lq/analyzer/ffmpeg-demo-album", test_ffmpeg_demo_album);
  g_test_add_func ("/lq/analyzer/ffmpeg-found-audio", test_ffmpeg_found_audio);
  g_test_add_func ("/lq/analyzer/album", test_album);
  g_test_add_func ("/lq/analyzer/album-concatenated", test_album_concatenated);
  g_test_add_func ("/lq/analyzer/album-bad-file", test_album_bad_file);
  g_test_add_func ("/lq/analyzer/album-async", test_album_async);
  g_test_add_func ("/lq/cli/analyze-text", test_cli_text);
  g_test_add_func ("/lq/cli/analyze-json-bad-files", test_cli_json_and_bad_files);
  g_test_add_func ("/lq/cli/analyze-usage", test_cli_usage);

  ret = g_test_run ();
  g_ptr_array_unref (demo_files);
  lq_test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return ret;
}

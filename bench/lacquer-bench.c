/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lacquer-bench: how fast Lacquer's DSP runs, in multiples of real time, next to sox and
 * ffmpeg running comparable chains on the same machine, on the same input, in the same run.
 *
 * Material: the demo album (lq-synth), rendered once at 44.1 kHz stereo float and repeated to
 * the asked-for length (10 minutes by default). Rows:
 *
 * - each kernel alone, through its C API, on one thread, in blocks of --block frames copied
 *   from the material (the copy is part of the timing, as a pipeline pays it too);
 * - the full mastering chain (EQ 6 bands, multiband 3 bands, compressor, imager, true-peak
 *   limiter, 16-bit dither) through the kernels, then as a GStreamer pipeline reading a WAV
 *   of the material (filesrc ! wavparse ! ... ! fakesink sync=false: one streaming thread);
 * - every element alone as a GStreamer pipeline, and the pipeline's I/O alone;
 * - sox and ffmpeg (with -filter_threads 1) on the same WAV, output discarded, each skipped
 *   cleanly when not installed.
 *
 * Each figure is the best of --repeats runs (the machine is shared: the best run is the one
 * least disturbed). Wall-clock time from g_get_monotonic_time(); the CPU time of each run is
 * printed too, so a row that used more than one core shows it.
 */
#define G_LOG_DOMAIN "lq-bench"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <gst/gst.h>

#include "lq-compressor.h"
#include "lq-dither.h"
#include "lq-elements.h"
#include "lq-eq.h"
#include "lq-gain.h"
#include "lq-imager.h"
#include "lq-limiter.h"
#include "lq-multiband.h"
#include "lq-synth.h"

#define RATE 44100
#define CHANNELS 2

typedef struct
{
  const char *name;                                   /* row label */
  const char *gst; /* the element for gst-launch, with settings */
  void *(*create) (void);                             /* a configured kernel */
  void (*process) (void *kernel, float *x, size_t n); /* in place, interleaved stereo */
  void (*destroy) (void *kernel);
} Stage;

typedef struct
{
  double wall; /* seconds */
  double cpu;  /* user + system seconds */
  gboolean ok; /* the run succeeded */
} Timing;

/* ---- options ---- */

static double opt_minutes = 10.0;
static int opt_repeats = 3;
static int opt_block = 1024;
static int opt_cpu = -1;
static gboolean opt_no_peers = FALSE;
static gboolean opt_no_gst = FALSE;
static gboolean opt_no_elements = FALSE;
static char *opt_wav = NULL;
static char *opt_only = NULL;

static const GOptionEntry entries[] = {
  { "minutes", 'm', 0, G_OPTION_ARG_DOUBLE, &opt_minutes,
    "Minutes of material per run (default 10)", "M" },
  { "repeats", 'r', 0, G_OPTION_ARG_INT, &opt_repeats,
    "Runs per figure, the best counts (default 3)", "N" },
  { "block", 'b', 0, G_OPTION_ARG_INT, &opt_block, "Frames per kernel call (default 1024)",
    "FRAMES" },
  { "cpu", 'c', 0, G_OPTION_ARG_INT, &opt_cpu, "Pin the benchmark and the peers to this CPU", "N" },
  { "no-peers", 0, 0, G_OPTION_ARG_NONE, &opt_no_peers, "Do not run sox and ffmpeg", NULL },
  { "no-gst", 0, 0, G_OPTION_ARG_NONE, &opt_no_gst, "Do not run GStreamer pipelines", NULL },
  { "no-elements", 0, 0, G_OPTION_ARG_NONE, &opt_no_elements, "Only the full chains and the peers",
    NULL },
  { "wav", 'w', 0, G_OPTION_ARG_FILENAME, &opt_wav, "Write the input WAV here and keep it",
    "PATH" },
  { "only", 'o', 0, G_OPTION_ARG_STRING, &opt_only,
    "Only the kernel rows whose name contains TEXT (no chain, pipelines or peers): for profiling",
    "TEXT" },
  { NULL }
};

/* ---- the kernels, configured like a typical master ---- */

static void *
eq_create (void)
{
  LqEq *eq = lq_eq_new (RATE, CHANNELS);
  const struct { LqBiquadType type; double freq, gain, q; unsigned slope; } bands[] = {
    { LQ_BIQUAD_HIGH_PASS, 30.0, 0.0, 0.7071, 12 },
    { LQ_BIQUAD_LOW_SHELF, 100.0, 2.0, 0.7071, 12 },
    { LQ_BIQUAD_BELL, 300.0, -2.0, 1.4, 12 },
    { LQ_BIQUAD_BELL, 2500.0, 1.5, 1.0, 12 },
    { LQ_BIQUAD_BELL, 6000.0, -1.0, 2.0, 12 },
    { LQ_BIQUAD_HIGH_SHELF, 12000.0, 1.5, 0.7071, 12 },
  };

  lq_eq_set_num_bands (eq, G_N_ELEMENTS (bands));
  for (guint b = 0; b < G_N_ELEMENTS (bands); b++)
    {
      LqEqBand band;

      lq_eq_band_init (&band);
      band.type = bands[b].type;
      band.freq = bands[b].freq;
      band.gain_db = bands[b].gain;
      band.q = bands[b].q;
      band.slope = bands[b].slope;
      lq_eq_set_band (eq, b, &band);
    }
  lq_eq_reset (eq);
  return eq;
}

static void
eq_process (void *k, float *x, size_t n)
{
  lq_eq_process (k, x, n);
}

static void
eq_destroy (void *k)
{
  lq_eq_free (k);
}

static void *
comp_create (void)
{
  LqCompressor *c = lq_compressor_new (CHANNELS, RATE);

  lq_compressor_set_threshold (c, -18.0);
  lq_compressor_set_ratio (c, 2.5);
  lq_compressor_set_knee (c, 6.0);
  lq_compressor_set_attack (c, 10.0);
  lq_compressor_set_release (c, 150.0);
  lq_compressor_set_auto_release (c, 1);
  lq_compressor_set_sidechain_hpf (c, 80.0);
  lq_compressor_snap (c);
  return c;
}

static void
comp_process (void *k, float *x, size_t n)
{
  lq_compressor_process (k, x, n);
}

static void
comp_destroy (void *k)
{
  lq_compressor_free (k);
}

static void *
multiband_create (void)
{
  LqMultiband *m = lq_multiband_new (CHANNELS, RATE, 3);
  const double threshold[] = { -20.0, -18.0, -22.0 }, ratio[] = { 2.0, 1.5, 2.0 };

  lq_multiband_set_crossover (m, 0, 150.0);
  lq_multiband_set_crossover (m, 1, 2500.0);
  for (guint b = 0; b < 3; b++)
    {
      lq_multiband_set_threshold (m, b, threshold[b]);
      lq_multiband_set_ratio (m, b, ratio[b]);
      lq_multiband_set_attack (m, b, 10.0);
      lq_multiband_set_release (m, b, 150.0);
    }
  lq_multiband_snap (m);
  return m;
}

static void
multiband_process (void *k, float *x, size_t n)
{
  lq_multiband_process (k, x, n);
}

static void
multiband_destroy (void *k)
{
  lq_multiband_free (k);
}

static void *
imager_create (void)
{
  LqImager *im = lq_imager_new (CHANNELS, RATE, 3);

  lq_imager_set_crossover (im, 0, 200.0);
  lq_imager_set_crossover (im, 1, 4000.0);
  lq_imager_set_width (im, 0, 0.8);
  lq_imager_set_width (im, 1, 1.0);
  lq_imager_set_width (im, 2, 1.2);
  lq_imager_set_mono_below (im, 100.0);
  lq_imager_snap (im);
  return im;
}

static void
imager_process (void *k, float *x, size_t n)
{
  lq_imager_process (k, x, n);
}

static void
imager_destroy (void *k)
{
  lq_imager_free (k);
}

static void *
limiter_create (void)
{
  LqLimiter *l = lq_limiter_new (RATE, CHANNELS);

  lq_limiter_set_ceiling (l, -1.0);
  lq_limiter_set_drive (l, 3.0);
  lq_limiter_set_lookahead (l, 1.5);
  lq_limiter_set_release (l, 100.0);
  lq_limiter_set_true_peak (l, 1);
  lq_limiter_reset (l);
  return l;
}

static void
limiter_process (void *k, float *x, size_t n)
{
  lq_limiter_process (k, x, n);
}

static void
limiter_destroy (void *k)
{
  lq_limiter_free (k);
}

static void *
dither_create (void)
{
  LqDither *d = lq_dither_new (RATE, CHANNELS);

  lq_dither_set_bits (d, 16);
  lq_dither_set_shape (d, LQ_DITHER_SHAPE_LIPSHITZ);
  return d;
}

static void
dither_process (void *k, float *x, size_t n)
{
  lq_dither_process (k, x, n);
}

static void
dither_destroy (void *k)
{
  lq_dither_free (k);
}

static void *
gain_create (void)
{
  LqGain *g = lq_gain_new (CHANNELS, RATE);

  /* A gain and a fade-out every 2 s (the fades are the costly part). */
  lq_gain_set_gain_db (g, -1.5);
  lq_gain_snap (g);
  return g;
}

static void
gain_process (void *k, float *x, size_t n)
{
  LqGain *g = k;
  int64_t p = lq_gain_get_position (g);

  /* Keep a fade running all the time: each 2 s window fades out over its second half. */
  lq_gain_set_fade_out (g, p - p % (2 * RATE) + RATE, RATE, LQ_FADE_LOGARITHMIC);
  lq_gain_process (g, x, n);
}

static void
gain_destroy (void *k)
{
  lq_gain_free (k);
}

static const Stage stage_eq = {
  "lqeq, 6 bands",
  "lqeq num-bands=6 band0::type=high-pass band0::freq=30 band0::slope=12 "
  "band1::type=low-shelf band1::freq=100 band1::gain=2 "
  "band2::type=bell band2::freq=300 band2::gain=-2 band2::q=1.4 "
  "band3::type=bell band3::freq=2500 band3::gain=1.5 band3::q=1 "
  "band4::type=bell band4::freq=6000 band4::gain=-1 band4::q=2 "
  "band5::type=high-shelf band5::freq=12000 band5::gain=1.5",
  eq_create, eq_process, eq_destroy
};

static const Stage stage_comp = {
  "lqcompressor",
  "lqcompressor threshold=-18 ratio=2.5 knee=6 attack=10 release=150 auto-release=true "
  "sidechain-hpf=80",
  comp_create, comp_process, comp_destroy
};

static const Stage stage_multiband = {
  "lqmultiband, 3 bands",
  "lqmultiband num-bands=3 xover0=150 xover1=2500 "
  "band0::threshold=-20 band0::ratio=2 band1::threshold=-18 band1::ratio=1.5 "
  "band2::threshold=-22 band2::ratio=2",
  multiband_create, multiband_process, multiband_destroy
};

static const Stage stage_imager = {
  "lqimager, 3 bands, mono bass",
  "lqimager num-bands=3 xover0=200 xover1=4000 band0::width=0.8 band1::width=1 band2::width=1.2 "
  "mono-below=100",
  imager_create, imager_process, imager_destroy
};

static const Stage stage_limiter = {
  "lqlimiter, true peak",
  "lqlimiter ceiling=-1 drive=3 lookahead=1.5 release=100 true-peak=true",
  limiter_create, limiter_process, limiter_destroy
};

static const Stage stage_dither = {
  "lqdither, 16 bits, Lipshitz shaping",
  "lqdither bits=16 noise-shaping=lipshitz",
  dither_create, dither_process, dither_destroy
};

static const Stage stage_gain = {
  "lqgain, with a fade",
  "lqgain gain=-1.5 fade-out-start=44100 fade-out-length=26400000 fade-out-curve=logarithmic",
  gain_create, gain_process, gain_destroy
};

/* The full mastering chain, in signal order. */
static const Stage *const chain[] = {
  &stage_eq,
  &stage_multiband,
  &stage_comp,
  &stage_imager,
  &stage_limiter,
  &stage_dither,
};

/* Every element measured alone. */
static const Stage *const singles[] = {
  &stage_eq,
  &stage_multiband,
  &stage_comp,
  &stage_imager,
  &stage_limiter,
  &stage_dither,
  &stage_gain,
};

/* Elements without a kernel of their own: GStreamer rows only. */
static const struct
{
  const char *name;
  const char *gst;
} gst_only[] = {
  { "lqstrip, mono stem: EQ 3 bands, comp, pan",
    "audioconvert ! audio/x-raw,channels=1 ! lqstrip gain=-2 pan=-0.3 eq-band0-type=high-pass "
    "eq-band0-freq=80 "
    "eq-band1-gain=-2 eq-band2-gain=2 comp-ratio=3 comp-threshold=-20" },
};

/* ---- timing ---- */

static double
cpu_seconds (int who)
{
  struct rusage ru;

  getrusage (who, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + ru.ru_stime.tv_sec
         + ru.ru_stime.tv_usec * 1e-6;
}

static Timing
time_kernels (const Stage *const *stages, guint n_stages, const float *src, gsize src_frames,
              gsize total)
{
  void *k[16];
  g_autofree float *work = g_new (float, (gsize) opt_block * CHANNELS);
  gsize pos = 0;
  volatile float sink = 0.0f;
  gint64 t0;
  double c0;
  Timing t = { 0 };

  g_assert (n_stages <= G_N_ELEMENTS (k));
  for (guint s = 0; s < n_stages; s++)
    k[s] = stages[s]->create ();

  c0 = cpu_seconds (RUSAGE_THREAD);
  t0 = g_get_monotonic_time ();
  for (gsize done = 0; done < total;)
    {
      gsize n = MIN ((gsize) opt_block, MIN (total - done, src_frames - pos));

      memcpy (work, src + pos * CHANNELS, n * CHANNELS * sizeof (float));
      for (guint s = 0; s < n_stages; s++)
        stages[s]->process (k[s], work, n);
      sink += work[0];
      done += n;
      pos += n;
      if (pos == src_frames)
        pos = 0;
    }
  t.wall = (g_get_monotonic_time () - t0) * 1e-6;
  t.cpu = cpu_seconds (RUSAGE_THREAD) - c0;
  t.ok = TRUE;

  for (guint s = 0; s < n_stages; s++)
    stages[s]->destroy (k[s]);
  return t;
}

static Timing
time_pipeline (const char *desc)
{
  g_autoptr(GError) error = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &error);
  GstBus *bus;
  GstMessage *msg;
  gint64 t0;
  double c0;
  Timing t = { 0 };

  if (pipeline == NULL || error != NULL)
    {
      g_printerr ("cannot build the pipeline: %s\n  %s\n", error ? error->message : "?", desc);
      g_clear_object (&pipeline);
      return t;
    }
  bus = gst_element_get_bus (pipeline);
  c0 = cpu_seconds (RUSAGE_SELF);
  t0 = g_get_monotonic_time ();
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  t.wall = (g_get_monotonic_time () - t0) * 1e-6;
  t.cpu = cpu_seconds (RUSAGE_SELF) - c0;
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
    {
      g_autoptr(GError) err = NULL;
      gst_message_parse_error (msg, &err, NULL);
      g_printerr ("pipeline error: %s\n  %s\n", err->message, desc);
    }
  else
    t.ok = TRUE;
  gst_message_unref (msg);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  return t;
}

static Timing
time_command (char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status;
  gint64 t0;
  double c0;
  Timing t = { 0 };

  c0 = cpu_seconds (RUSAGE_CHILDREN);
  t0 = g_get_monotonic_time ();
  if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                     NULL, &err, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    {
      g_printerr ("%s failed: %s\n%s", argv[0], error->message, err ? err : "");
      return t;
    }
  t.wall = (g_get_monotonic_time () - t0) * 1e-6;
  t.cpu = cpu_seconds (RUSAGE_CHILDREN) - c0;
  t.ok = TRUE;
  return t;
}

/* The best of opt_repeats runs. */
#define BEST_OF(expr)                                    \
  ({                                                     \
    Timing best_ = { 0 };                                \
    for (int r_ = 0; r_ < opt_repeats; r_++)             \
      {                                                  \
        Timing t_ = (expr);                              \
        if (!t_.ok)                                      \
          break;                                         \
        if (!best_.ok || t_.cpu < best_.cpu)             \
          best_ = t_;                                    \
      }                                                  \
    best_;                                               \
  })

static void
print_row (const char *name, Timing t, double seconds)
{
  if (!t.ok)
    g_print ("  %-50s %10s\n", name, "failed");
  else
    g_print ("  %-50s %8.0fx %8.0fx  %6.2f s %6.2f s\n", name, seconds / t.cpu, seconds / t.wall,
             t.cpu, t.wall);
}

static void
print_header (const char *title)
{
  g_print ("\n%-52s %9s %9s %8s %8s\n", title, "x cpu", "x wall", "cpu", "wall");
}

static void
goal_line (const char *label, Timing ours, Timing peer, double goal)
{
  double by_cpu, by_wall;

  if (!ours.ok || !peer.ok)
    return;
  by_cpu = peer.cpu / ours.cpu;
  by_wall = peer.wall / ours.wall;
  g_print ("  %-22s %5.2fx / %5.2fx  %s\n", label, by_cpu, by_wall,
           by_cpu >= goal ? "met" : "MISSED");
}

/* ---- the input WAV ---- */

static void
put_u32 (guint8 *p, guint32 v)
{
  p[0] = v & 0xff;
  p[1] = (v >> 8) & 0xff;
  p[2] = (v >> 16) & 0xff;
  p[3] = (v >> 24) & 0xff;
}

/* Writes `total` frames of the material, repeated, as a float32 WAV (format 3, with the
 * fact chunk that non-PCM formats carry). */
static gboolean
write_wav (const char *path, const float *src, gsize src_frames, gsize total)
{
  FILE *f = g_fopen (path, "wb");
  guint8 h[58];
  guint32 data_bytes = (guint32) (total * CHANNELS * sizeof (float));
  gsize pos = 0;

  if (f == NULL)
    return FALSE;
  memcpy (h, "RIFF", 4);
  put_u32 (h + 4, 50 + data_bytes);
  memcpy (h + 8, "WAVEfmt ", 8);
  put_u32 (h + 16, 18);
  h[20] = 3, h[21] = 0;                           /* WAVE_FORMAT_IEEE_FLOAT */
  h[22] = CHANNELS, h[23] = 0;
  put_u32 (h + 24, RATE);
  put_u32 (h + 28, RATE * CHANNELS * 4);          /* bytes per second */
  h[32] = CHANNELS * 4, h[33] = 0;                /* block align */
  h[34] = 32, h[35] = 0;                          /* bits per sample */
  h[36] = 0, h[37] = 0;                           /* cbSize */
  memcpy (h + 38, "fact", 4);
  put_u32 (h + 42, 4);
  put_u32 (h + 46, (guint32) total);
  memcpy (h + 50, "data", 4);
  put_u32 (h + 54, data_bytes);
  fwrite (h, 1, sizeof h, f);

  /* Little-endian float on the machines we build for. */
  G_STATIC_ASSERT (G_BYTE_ORDER == G_LITTLE_ENDIAN);
  for (gsize done = 0; done < total;)
    {
      gsize n = MIN (total - done, src_frames - pos);

      fwrite (src + pos * CHANNELS, sizeof (float) * CHANNELS, n, f);
      done += n;
      pos = (pos + n) % src_frames;
    }
  return fclose (f) == 0;
}

/* ---- peers ---- */

static char **
sox_argv (const char *wav)
{
  /* EQ (the same 6 bands), a bus compressor, and a limiter-like compander with a 1.5 ms
   * lookahead (sox has no limiter). */
  const char *argv[] = {
    "sox", "-q", wav, "-n",
    "highpass", "30",
    "bass", "+2", "100",
    "equalizer", "300", "1.4q", "-2",
    "equalizer", "2500", "1q", "+1.5",
    "equalizer", "6000", "2q", "-1",
    "treble", "+1.5", "12000",
    "compand", "0.01,0.15", "6:-70,-70,-18,-18,0,-10.8", "0", "-90", "0",
    "compand", "0.0005,0.05", "-90,-90,-1,-1,0,-1", "0", "-90", "0.0015",
    NULL
  };
  return g_strdupv ((char **) argv);
}

static char **
ffmpeg_argv (const char *wav)
{
  const char *argv[] = {
    "ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-filter_threads", "1",
    "-i", wav,
    "-af",
    "highpass=f=30,bass=g=2:f=100,"
    "equalizer=f=300:t=q:w=1.4:g=-2,equalizer=f=2500:t=q:w=1:g=1.5,equalizer=f=6000:t=q:w=2:g=-1,"
    "treble=g=1.5:f=12000,"
    "acompressor=threshold=-18dB:ratio=2.5:attack=10:release=150,"
    "alimiter=limit=0.891251:attack=1.5:release=100:level=disabled",
    "-f", "null", "-",
    NULL
  };
  return g_strdupv ((char **) argv);
}

static char *
quote_argv (char **argv)
{
  static const char safe[]
      = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./+-,:=";
  GString *s = g_string_new (NULL);

  for (char **a = argv; *a; a++)
    {
      g_autofree char *q = g_shell_quote (*a);

      if (a != argv)
        g_string_append_c (s, ' ');
      g_string_append (s, (*a)[0] != '\0' && strspn (*a, safe) == strlen (*a) ? *a : q);
    }
  return g_string_free (s, FALSE);
}

static char *
cpu_model (void)
{
  g_autofree char *info = NULL;
  char *line;

  if (!g_file_get_contents ("/proc/cpuinfo", &info, NULL, NULL))
    return g_strdup ("unknown CPU");
  line = strstr (info, "model name");
  if (line && (line = strchr (line, ':')))
    {
      char *end = strchr (line, '\n');
      if (end)
        *end = '\0';
      return g_strstrip (g_strdup (line + 1));
    }
  return g_strdup ("unknown CPU");
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) context
      = g_option_context_new ("- how fast Lacquer's DSP runs, next to sox and ffmpeg");
  g_autoptr(GError) error = NULL;
  g_autofree float *src = NULL;
  g_autofree char *wav = NULL;
  g_autofree char *cpu = cpu_model ();
  g_autofree char *tmpdir = NULL;
  g_autoptr(GString) chain_desc = g_string_new (NULL);
  gsize src_frames = 0, total;
  double seconds;
  Timing kchain = { 0 }, gchain = { 0 }, sox = { 0 }, ffmpeg = { 0 };
  g_auto(GStrv) sox_cmd = NULL;
  g_auto(GStrv) ffmpeg_cmd = NULL;

  gst_init (&argc, &argv);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (opt_minutes <= 0.0 || opt_repeats < 1 || opt_block < 1 || opt_block > 65536)
    {
      g_printerr ("bad --minutes, --repeats or --block\n");
      return 2;
    }
  lq_elements_init ();

  if (opt_cpu >= 0)
    {
      cpu_set_t set;

      CPU_ZERO (&set);
      CPU_SET (opt_cpu, &set);
      if (sched_setaffinity (0, sizeof set, &set) != 0)
        g_printerr ("cannot pin to CPU %d: %s\n", opt_cpu, g_strerror (errno));
    }

  /* The material: the demo album, once. */
  for (guint t = 0; t < lq_synth_demo_n_tracks (); t++)
    src_frames += lq_synth_demo_frames (t, RATE);
  src = g_new (float, src_frames * CHANNELS);
  for (guint t = 0, at = 0; t < lq_synth_demo_n_tracks (); t++)
    {
      gsize n = lq_synth_demo_frames (t, RATE);
      lq_synth_demo_render (t, RATE, src + (gsize) at * CHANNELS, n);
      at += n;
    }
  total = (gsize) llround (opt_minutes * 60.0 * RATE);
  seconds = (double) total / RATE;

  g_print (
      "lacquer-bench %s: %.0f s of demo material (%.1f s album, repeated), %d Hz stereo float32,\n"
      "kernel blocks of %d frames, best of %d runs, %s%s\n",
      PACKAGE_VERSION, seconds, (double) src_frames / RATE, RATE, opt_block, opt_repeats, cpu,
      opt_cpu >= 0 ? ", pinned to one CPU" : "");

  print_header ("kernels (C API, one thread)");
  if (opt_only != NULL)
    {
      for (guint s = 0; s < G_N_ELEMENTS (singles); s++)
        if (strstr (singles[s]->name, opt_only) != NULL)
          print_row (singles[s]->name,
                     BEST_OF (time_kernels (&singles[s], 1, src, src_frames, total)), seconds);
      return 0;
    }
  if (!opt_no_elements)
    for (guint s = 0; s < G_N_ELEMENTS (singles); s++)
      print_row (singles[s]->name, BEST_OF (time_kernels (&singles[s], 1, src, src_frames, total)),
                 seconds);
  kchain = BEST_OF (time_kernels (chain, G_N_ELEMENTS (chain), src, src_frames, total));
  print_row ("full chain", kchain, seconds);

  /* The WAV for the pipelines and the peers. */
  if (opt_wav != NULL)
    wav = g_strdup (opt_wav);
  else
    {
      tmpdir = g_dir_make_tmp ("lacquer-bench-XXXXXX", &error);
      if (tmpdir == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      wav = g_build_filename (tmpdir, "input.wav", NULL);
    }
  if (!opt_no_gst || !opt_no_peers)
    if (!write_wav (wav, src, src_frames, total))
      {
        g_printerr ("cannot write %s\n", wav);
        return 1;
      }

  g_string_printf (chain_desc, "filesrc location=%s ! wavparse", wav);
  for (guint s = 0; s < G_N_ELEMENTS (chain); s++)
    g_string_append_printf (chain_desc, " ! %s", chain[s]->gst);
  g_string_append (chain_desc, " ! fakesink sync=false");

  if (!opt_no_gst)
    {
      g_autofree char *io
          = g_strdup_printf ("filesrc location=%s ! wavparse ! fakesink sync=false", wav);

      print_header ("GStreamer (filesrc ! wavparse ! ... ! fakesink)");
      print_row ("I/O only (no element)", BEST_OF (time_pipeline (io)), seconds);
      if (!opt_no_elements)
        {
          for (guint s = 0; s < G_N_ELEMENTS (singles); s++)
            {
              g_autofree char *d
                  = g_strdup_printf ("filesrc location=%s ! wavparse ! %s ! fakesink sync=false",
                                     wav, singles[s]->gst);
              print_row (singles[s]->name, BEST_OF (time_pipeline (d)), seconds);
            }
          for (guint s = 0; s < G_N_ELEMENTS (gst_only); s++)
            {
              g_autofree char *d
                  = g_strdup_printf ("filesrc location=%s ! wavparse ! %s ! fakesink sync=false",
                                     wav, gst_only[s].gst);
              print_row (gst_only[s].name, BEST_OF (time_pipeline (d)), seconds);
            }
        }
      gchain = BEST_OF (time_pipeline (chain_desc->str));
      print_row ("full chain", gchain, seconds);
    }

  sox_cmd = sox_argv (wav);
  ffmpeg_cmd = ffmpeg_argv (wav);
  if (!opt_no_peers)
    {
      g_autofree char *sox_path = g_find_program_in_path ("sox");
      g_autofree char *ffmpeg_path = g_find_program_in_path ("ffmpeg");

      print_header ("peers (same WAV, output discarded)");
      if (sox_path != NULL)
        {
          sox = BEST_OF (time_command (sox_cmd));
          print_row ("sox: EQ 6 bands + compand + limiter-like compand", sox, seconds);
        }
      else
        g_print ("  %-50s %s\n", "sox", "not installed, skipped");
      if (ffmpeg_path != NULL)
        {
          ffmpeg = BEST_OF (time_command (ffmpeg_cmd));
          print_row ("ffmpeg: EQ 6 bands + acompressor + alimiter", ffmpeg, seconds);
        }
      else
        g_print ("  %-50s %s\n", "ffmpeg", "not installed, skipped");
    }

  if (sox.ok || ffmpeg.ok)
    g_print ("\ngoals (issue 3): full chain >= 2x sox and >= 1.25x ffmpeg (speed ratios, "
             "cpu time / wall time)\n");
  goal_line ("kernels vs sox", kchain, sox, 2.0);
  goal_line ("GStreamer vs sox", gchain, sox, 2.0);
  goal_line ("kernels vs ffmpeg", kchain, ffmpeg, 1.25);
  goal_line ("GStreamer vs ffmpeg", gchain, ffmpeg, 1.25);

  {
    g_autofree char *s = quote_argv (sox_cmd);
    g_autofree char *f = quote_argv (ffmpeg_cmd);

    g_print ("\ncommands\n  gst-launch-1.0 %s\n  %s\n  %s\n", chain_desc->str, s, f);
  }

  if (opt_wav == NULL)
    {
      g_unlink (wav);
      g_rmdir (tmpdir);
    }
  return 0;
}

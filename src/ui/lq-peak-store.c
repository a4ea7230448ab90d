/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-peak-store"

#include "config.h"

#include "lq-peak-store.h"

struct _LqPeakStore
{
  GObject parent_instance;

  char *cache_dir;         /* where peak files live; NULL: lq_peak_cache_get_default_dir() */
  GHashTable *peaks;       /* URI -> LqPeakCache (a reference), or NULL while loading/failed */
  GCancellable *cancellable; /* the loads in flight, cancelled at dispose */
};

G_DEFINE_FINAL_TYPE (LqPeakStore, lq_peak_store, G_TYPE_OBJECT)

enum {
  SIGNAL_LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  LqPeakStore *self; /* a weak pointer: the store may go away while loading */
  GFile *file;
} Load;

static void
load_free (Load *load)
{
  g_clear_weak_pointer (&load->self);
  g_object_unref (load->file);
  g_free (load);
}

static void
peaks_free (gpointer data)
{
  if (data != NULL)
    lq_peak_cache_unref (data);
}

static void
open_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Load *load = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(LqPeakCache) peaks = lq_peak_cache_open_finish (result, &error);

  if (load->self != NULL)
    {
      if (peaks != NULL)
        {
          lq_peak_store_insert (load->self, load->file, peaks);
        }
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *uri = g_file_get_uri (load->file);
          g_debug ("No waveform for %s: %s", uri, error->message);
        }
    }
  load_free (load);
}

static void
lq_peak_store_dispose (GObject *object)
{
  LqPeakStore *self = LQ_PEAK_STORE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->peaks, g_hash_table_unref);

  G_OBJECT_CLASS (lq_peak_store_parent_class)->dispose (object);
}

static void
lq_peak_store_finalize (GObject *object)
{
  LqPeakStore *self = LQ_PEAK_STORE (object);

  g_free (self->cache_dir);

  G_OBJECT_CLASS (lq_peak_store_parent_class)->finalize (object);
}

static void
lq_peak_store_class_init (LqPeakStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lq_peak_store_dispose;
  object_class->finalize = lq_peak_store_finalize;

  signals[SIGNAL_LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_FILE);
}

static void
lq_peak_store_init (LqPeakStore *self)
{
  self->peaks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, peaks_free);
  self->cancellable = g_cancellable_new ();
}

/**
 * lq_peak_store_new:
 * @cache_dir: (nullable): the peak cache folder; %NULL or "" for the default
 */
LqPeakStore *
lq_peak_store_new (const char *cache_dir)
{
  LqPeakStore *self = g_object_new (LQ_TYPE_PEAK_STORE, NULL);

  self->cache_dir = cache_dir != NULL && *cache_dir ? g_strdup (cache_dir) : NULL;
  return self;
}

/**
 * lq_peak_store_lookup:
 *
 * Returns: (transfer none) (nullable): the peaks of @file, or %NULL while they load (or when
 *   the file cannot be read)
 */
LqPeakCache *
lq_peak_store_lookup (LqPeakStore *self,
                      GFile       *file)
{
  g_autofree char *uri = NULL;
  gpointer value = NULL;
  Load *load;

  g_return_val_if_fail (LQ_IS_PEAK_STORE (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  uri = g_file_get_uri (file);
  if (g_hash_table_lookup_extended (self->peaks, uri, NULL, &value))
    return value;

  /* Loading: NULL stands in until it is done (or for good when it fails). */
  g_hash_table_insert (self->peaks, g_steal_pointer (&uri), NULL);
  load = g_new0 (Load, 1);
  g_set_weak_pointer (&load->self, self);
  load->file = g_object_ref (file);
  lq_peak_cache_open_async (file, self->cache_dir, self->cancellable, open_cb, load);
  return NULL;
}

/**
 * lq_peak_store_insert:
 *
 * Uses @peaks for @file (a cache built elsewhere, or a synthetic one in a test).
 */
void
lq_peak_store_insert (LqPeakStore *self,
                      GFile       *file,
                      LqPeakCache *peaks)
{
  g_return_if_fail (LQ_IS_PEAK_STORE (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (peaks != NULL);

  g_hash_table_insert (self->peaks, g_file_get_uri (file), lq_peak_cache_ref (peaks));
  g_signal_emit (self, signals[SIGNAL_LOADED], 0, file);
}

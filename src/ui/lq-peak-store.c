/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-peak-store"

#include "config.h"

#include "lq-peak-store.h"

#define DEFAULT_PROCESSED_DELAY 500 /* ms of quiet after an edit before a rebuild */
#define MIN_MEMO 32                 /* processed peaks remembered, at least */

/* A track's processed peaks. */
typedef struct
{
  char *key;                 /* what the wanted peaks depend on; NULL: not on the album */
  LqPeakCache *peaks;        /* the peaks for key, or NULL (stale, building or failed) */
  GCancellable *cancellable; /* the build in flight for this track, or NULL */
  gboolean pending;          /* to build once edits pause */
  gboolean queued;           /* in the build queue */
} Processed;

struct _LqPeakStore
{
  GObject parent_instance;

  char *cache_dir;         /* where peak files live; NULL: lq_peak_cache_get_default_dir() */
  GHashTable *peaks;       /* URI -> LqPeakCache (a reference), or NULL while loading/failed */
  GCancellable *cancellable; /* the loads in flight, cancelled at dispose */

  LqProject *project;      /* whose tracks get processed peaks, or NULL */
  GHashTable *processed;   /* LqTrack (a reference) -> Processed */
  GHashTable *memo;        /* key -> LqPeakCache: processed peaks by what they depend on */
  GQueue memo_order;       /* the memo's keys (owned by memo), oldest first */
  GQueue build_queue;      /* LqTrack (references) waiting for a build, in album order */
  gboolean building;       /* a build is in flight (one at a time) */
  guint debounce_id;       /* the timeout that starts pending builds, or 0 */
  guint delay;             /* its delay, ms */
  guint n_builds;          /* processed peaks built so far (for tests) */
};

G_DEFINE_FINAL_TYPE (LqPeakStore, lq_peak_store, G_TYPE_OBJECT)

enum {
  SIGNAL_LOADED,
  SIGNAL_PROCESSED,
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

/* ---- Processed peaks ---- */

typedef struct
{
  LqPeakStore *self; /* a weak pointer */
  LqTrack *track;    /* the track built */
  char *key;         /* what it was built for */
} Build;

static void
build_free (Build *build)
{
  g_clear_weak_pointer (&build->self);
  g_object_unref (build->track);
  g_free (build->key);
  g_free (build);
}

static void
processed_free (gpointer data)
{
  Processed *entry = data;

  if (entry->cancellable != NULL)
    g_cancellable_cancel (entry->cancellable);
  g_clear_object (&entry->cancellable);
  g_clear_pointer (&entry->peaks, lq_peak_cache_unref);
  g_free (entry->key);
  g_free (entry);
}

static void
memo_add (LqPeakStore *self,
          const char  *key,
          LqPeakCache *peaks)
{
  guint max = MAX (MIN_MEMO, 2 * g_hash_table_size (self->processed));

  if (g_hash_table_contains (self->memo, key))
    return;
  g_hash_table_insert (self->memo, g_strdup (key), lq_peak_cache_ref (peaks));
  g_queue_push_tail (&self->memo_order, g_strdup (key));
  while (g_queue_get_length (&self->memo_order) > max)
    {
      g_autofree char *old = g_queue_pop_head (&self->memo_order);
      g_hash_table_remove (self->memo, old);
    }
}

static void start_next_build (LqPeakStore *self);

static void
processed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Build *build = user_data;
  LqPeakStore *self = build->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(LqPeakCache) peaks = lq_peak_cache_build_processed_finish (result, &error);
  Processed *entry;

  if (self == NULL || self->processed == NULL) /* gone, or disposed */
    {
      build_free (build);
      return;
    }
  entry = g_hash_table_lookup (self->processed, build->track);
  if (peaks != NULL)
    memo_add (self, build->key, peaks);
  if (entry != NULL && g_strcmp0 (entry->key, build->key) == 0)
    {
      g_clear_object (&entry->cancellable);
      if (peaks != NULL)
        {
          g_clear_pointer (&entry->peaks, lq_peak_cache_unref);
          entry->peaks = lq_peak_cache_ref (peaks);
          self->n_builds++;
          g_signal_emit (self, signals[SIGNAL_PROCESSED], 0, build->track);
        }
      else
        g_debug ("No processed waveform for track “%s”: %s",
                 lq_track_get_title (build->track) ? lq_track_get_title (build->track) : "", error->message);
    }
  self->building = FALSE;
  build_free (build);
  start_next_build (self);
}

static int
track_index (LqProject *project,
             LqTrack   *track)
{
  for (guint i = 0; i < lq_project_get_n_tracks (project); i++)
    if (lq_project_get_track (project, i) == track)
      return (int) i;
  return -1;
}

/* Starts the next queued build, unless one is in flight. */
static void
start_next_build (LqPeakStore *self)
{
  while (!self->building && self->project != NULL && !g_queue_is_empty (&self->build_queue))
    {
      g_autoptr(LqTrack) track = g_queue_pop_head (&self->build_queue);
      Processed *entry = g_hash_table_lookup (self->processed, track);
      int index = track_index (self->project, track);
      Build *build;

      if (entry == NULL)
        continue;
      entry->queued = FALSE;
      if (entry->key == NULL || entry->peaks != NULL || entry->cancellable != NULL || entry->pending || index < 0)
        continue;
      build = g_new0 (Build, 1);
      g_set_weak_pointer (&build->self, self);
      build->track = g_object_ref (track);
      build->key = g_strdup (entry->key);
      entry->cancellable = g_cancellable_new ();
      self->building = TRUE;
      lq_peak_cache_build_processed_async (self->project, (guint) index, entry->cancellable, processed_cb, build);
    }
}

static gboolean
debounce_cb (gpointer user_data)
{
  LqPeakStore *self = user_data;

  self->debounce_id = 0;
  if (self->project == NULL)
    return G_SOURCE_REMOVE;
  /* In album order. */
  for (guint i = 0; i < lq_project_get_n_tracks (self->project); i++)
    {
      LqTrack *track = lq_project_get_track (self->project, i);
      Processed *entry = g_hash_table_lookup (self->processed, track);

      if (entry != NULL && entry->pending)
        {
          entry->pending = FALSE;
          if (!entry->queued)
            {
              entry->queued = TRUE;
              g_queue_push_tail (&self->build_queue, g_object_ref (track));
            }
        }
    }
  start_next_build (self);
  return G_SOURCE_REMOVE;
}

static void
clear_processed (LqPeakStore *self)
{
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  g_queue_clear_full (&self->build_queue, g_object_unref);
  if (self->processed != NULL)
    g_hash_table_remove_all (self->processed);
}

static void
lq_peak_store_dispose (GObject *object)
{
  LqPeakStore *self = LQ_PEAK_STORE (object);

  clear_processed (self);
  g_clear_object (&self->project);
  g_clear_pointer (&self->processed, g_hash_table_unref);
  g_clear_pointer (&self->memo, g_hash_table_unref);
  g_queue_clear_full (&self->memo_order, g_free);
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
  /**
   * LqPeakStore::processed:
   * @track: the track whose processed peaks arrived
   */
  signals[SIGNAL_PROCESSED] = g_signal_new ("processed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                            NULL, NULL, NULL, G_TYPE_NONE, 1, LQ_TYPE_TRACK);
}

static void
lq_peak_store_init (LqPeakStore *self)
{
  self->peaks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, peaks_free);
  self->cancellable = g_cancellable_new ();
  self->processed = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref, processed_free);
  self->memo = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) lq_peak_cache_unref);
  g_queue_init (&self->memo_order);
  g_queue_init (&self->build_queue);
  self->delay = DEFAULT_PROCESSED_DELAY;
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
 * lq_peak_store_set_cache_dir:
 * @cache_dir: (nullable): the peak cache folder; %NULL or "" for the default
 *
 * Where peaks are read and stored from now on (peaks already loaded stay).
 */
void
lq_peak_store_set_cache_dir (LqPeakStore *self,
                             const char  *cache_dir)
{
  g_return_if_fail (LQ_IS_PEAK_STORE (self));

  g_free (self->cache_dir);
  self->cache_dir = cache_dir != NULL && *cache_dir ? g_strdup (cache_dir) : NULL;
}

/**
 * lq_peak_store_get_cache_dir:
 *
 * Returns: (nullable): the peak cache folder, %NULL for the default
 */
const char *
lq_peak_store_get_cache_dir (LqPeakStore *self)
{
  g_return_val_if_fail (LQ_IS_PEAK_STORE (self), NULL);
  return self->cache_dir;
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

/**
 * lq_peak_store_set_project:
 * @project: (nullable): the project whose tracks get processed peaks
 *
 * Drops the processed peaks of the previous project (cancelling its builds) and looks at
 * @project's tracks (see lq_peak_store_invalidate_processed()).
 */
void
lq_peak_store_set_project (LqPeakStore *self,
                           LqProject   *project)
{
  g_return_if_fail (LQ_IS_PEAK_STORE (self));
  g_return_if_fail (project == NULL || LQ_IS_PROJECT (project));

  if (self->project == project)
    return;
  clear_processed (self);
  g_set_object (&self->project, project);
  lq_peak_store_invalidate_processed (self);
}

/**
 * lq_peak_store_invalidate_processed:
 *
 * The project changed: every track whose processed peaks depend on what changed loses them
 * now (or finds them remembered) and is rebuilt once edits pause. Cheap: no decoding here.
 */
void
lq_peak_store_invalidate_processed (LqPeakStore *self)
{
  g_autoptr(GHashTable) seen = NULL;
  GHashTableIter iter;
  gpointer track;
  gboolean pending = FALSE;

  g_return_if_fail (LQ_IS_PEAK_STORE (self));

  if (self->project == NULL)
    return;
  seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  for (guint i = 0; i < lq_project_get_n_tracks (self->project); i++)
    {
      LqTrack *t = lq_project_get_track (self->project, i);
      g_autofree char *key = lq_peak_cache_get_processed_key (self->project, i);
      Processed *entry = g_hash_table_lookup (self->processed, t);
      LqPeakCache *known;

      g_hash_table_add (seen, t);
      if (entry == NULL)
        {
          entry = g_new0 (Processed, 1);
          g_hash_table_insert (self->processed, g_object_ref (t), entry);
        }
      else if (g_strcmp0 (entry->key, key) == 0)
        continue;

      /* Changed: what there was is stale, and a build of it is of no use. */
      if (entry->cancellable != NULL)
        g_cancellable_cancel (entry->cancellable);
      g_clear_object (&entry->cancellable);
      g_clear_pointer (&entry->peaks, lq_peak_cache_unref);
      g_free (entry->key);
      entry->key = g_steal_pointer (&key);
      entry->pending = FALSE;
      if (entry->key == NULL)
        continue;
      if ((known = g_hash_table_lookup (self->memo, entry->key)) != NULL)
        entry->peaks = lq_peak_cache_ref (known);
      else
        pending = entry->pending = TRUE;
    }

  /* Tracks gone from the project. */
  g_hash_table_iter_init (&iter, self->processed);
  while (g_hash_table_iter_next (&iter, &track, NULL))
    if (!g_hash_table_contains (seen, track))
      g_hash_table_iter_remove (&iter);

  if (pending)
    {
      g_clear_handle_id (&self->debounce_id, g_source_remove);
      self->debounce_id = g_timeout_add (self->delay, debounce_cb, self);
    }
}

/**
 * lq_peak_store_lookup_processed:
 *
 * Returns: (transfer none) (nullable): the peaks of @track as heard (album rate, frame 0 at
 *   the track's start on the album), %NULL while they are built (or when they cannot be)
 */
LqPeakCache *
lq_peak_store_lookup_processed (LqPeakStore *self,
                                LqTrack     *track)
{
  Processed *entry;

  g_return_val_if_fail (LQ_IS_PEAK_STORE (self), NULL);
  g_return_val_if_fail (LQ_IS_TRACK (track), NULL);

  entry = g_hash_table_lookup (self->processed, track);
  return entry != NULL ? entry->peaks : NULL;
}

/**
 * lq_peak_store_set_processed_delay:
 * @msec: how long edits must pause before processed peaks are rebuilt (default 500 ms)
 */
void
lq_peak_store_set_processed_delay (LqPeakStore *self,
                                   guint        msec)
{
  g_return_if_fail (LQ_IS_PEAK_STORE (self));
  self->delay = msec;
}

/* How many processed peaks were built (not found remembered) so far. */
guint
lq_peak_store_get_n_processed_builds (LqPeakStore *self)
{
  g_return_val_if_fail (LQ_IS_PEAK_STORE (self), 0);
  return self->n_builds;
}

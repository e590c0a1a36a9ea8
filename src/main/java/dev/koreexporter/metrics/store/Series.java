package dev.koreexporter.metrics.store;

/**
 * One exported series: its family, its owner (a bot, or the process), its label values, and its label text
 * rendered once, when the series is created, for the text formats and as protobuf label pairs. The numbers
 * live in the subclasses and are only formatted when scraped. A bot's counters and histograms show what they
 * held at the bot's last publish: the first write after a publish keeps a copy of the published numbers,
 * which scrapes read until the next publish (so a publish copies nothing; it drops those copies).
 * Everything mutable is guarded by the owner's lock.
 */
abstract sealed class Series permits ScalarSeries, HistogramSeries, CallbackSeries {
    final Family family;
    final SeriesOwner owner;
    /** Values in the family's sorted label order. */
    final String[] labels;
    final byte[] text;
    final byte[] protobuf;
    final boolean waitsForPublish;
    /** Published at least once (or shown at once): scrapes see it. */
    boolean visible;
    /** Written since the owner's last publish; on the owner's list. */
    boolean dirty;
    /** Dropped with its owner: a scrape that still holds it skips it. */
    boolean dropped;

    Series(Family family, SeriesOwner owner, String[] labels) {
        this.family = family;
        this.owner = owner;
        this.labels = labels;
        this.text = family.labelText(labels);
        this.protobuf = family.labelPairs(labels);
        this.waitsForPublish = family.published() && owner.bot() != null;
    }

    /** Call before every change of the numbers, holding the owner's lock. */
    final void beforeWrite() {
        if (waitsForPublish && !dirty) {
            owner.changed(this);
            keepPublished();
        }
    }

    /** The label value of the family's {@code i}-th label in catalogue order. */
    final String catalogueValue(int i) {
        for (int s = 0; s < labels.length; s++) {
            if (family.catalogueIndex[s] == i) {
                return labels[s];
            }
        }
        throw new IllegalArgumentException("label " + i);
    }

    /** Keeps what scrapes see now, before the first change after a publish. */
    abstract void keepPublished();

    /** The owner published: scrapes see the current numbers from now on. */
    abstract void publish();

    /**
     * Copies what scrapes see into {@code r}; false when the series has nothing to show (not yet published,
     * dropped, or a callback without a value).
     */
    boolean snapshot(Reading r) {
        synchronized (owner.lock) {
            return read(r);
        }
    }

    /** {@link #snapshot}, the owner's lock held. */
    abstract boolean read(Reading r);
}

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('market', '0004_trades'),
        ('trading', '0004_liquidations'),
    ]

    operations = [
        migrations.AddField(
            model_name='account',
            name='margin_warned_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.CreateModel(
            name='InstrumentRiskState',
            fields=[
                ('instrument', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='market.instrument')),
                ('last_sequence', models.BigIntegerField(default=0)),
                ('checked_at', models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.CreateModel(
            name='Notification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('margin_warning', 'Margin warning'), ('stop_triggered', 'Stop triggered'), ('take_profit_triggered', 'Take-profit triggered'), ('order_filled', 'Order filled'), ('liquidation', 'Liquidation'), ('funding', 'Funding'), ('settlement', 'Settlement')], max_length=32)),
                ('title', models.CharField(max_length=200)),
                ('message', models.TextField(blank=True)),
                ('data', models.JSONField(blank=True, default=dict)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('read_at', models.DateTimeField(blank=True, null=True)),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='trading.account')),
            ],
            options={
                'ordering': ['-created_at', '-pk'],
                'indexes': [models.Index(fields=['account', '-created_at'], name='trading_notification_acct_idx')],
            },
        ),
        migrations.CreateModel(
            name='EquitySnapshot',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('resolution', models.CharField(choices=[('minute', 'Minute'), ('hour', 'Hour'), ('day', 'Day')], max_length=8)),
                ('taken_at', models.DateTimeField(help_text='The start of the period the snapshot stands for.')),
                ('equity', models.DecimalField(decimal_places=8, max_digits=28)),
                ('cash', models.DecimalField(decimal_places=8, max_digits=28)),
                ('margin_used', models.DecimalField(decimal_places=8, default=0, max_digits=28)),
                ('unrealized_pnl', models.DecimalField(decimal_places=8, default=0, max_digits=28)),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='equity_snapshots', to='trading.account')),
            ],
            options={
                'ordering': ['account_id', 'resolution', 'taken_at'],
                'indexes': [models.Index(fields=['resolution', 'taken_at'], name='trading_equity_snap_time_idx')],
                'constraints': [models.UniqueConstraint(fields=('account', 'resolution', 'taken_at'), name='trading_equity_snapshot_unique')],
            },
        ),
    ]

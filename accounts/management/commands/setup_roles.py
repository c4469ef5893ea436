from django.core.management.base import BaseCommand

from accounts.roles import roles_setup


class Command(BaseCommand):
    help = "创建或更新五个角色（用户组）及其权限；可重复运行。"

    def handle(self, *args, **options):
        for name, count in roles_setup().items():
            self.stdout.write(f"{name}：{count} 项权限")
